/**
 * Keeping secrets out of REST responses, logs and status traces.
 *
 * A key is secret if its definition says PASSWORD, or — for keys the def does not type (pass-through such as
 * `driver.password`, `producer.override.sasl.jaas.config`, or a misspelt key) — if its name looks like one.
 * A value that is only a config-provider reference (`${file:/secrets.properties:db.password}`) is shown as is:
 * it says where the secret lives, not what it is, and Connect shows it too.
 */
import { ConfigError, maskTokens } from '../errors/index.js';
import type { ConfigDef } from './config-def.js';
import { SECRET_MASK } from './config-values.js';
import { keyIndex } from './def-index.js';

export { SECRET_MASK };

// `ssl.keystore.key` is Kafka's inline PEM private key (a PASSWORD in Kafka's ConfigDef).
const SECRET_NAME = /pa?s?s?w(?:o?r)?d|passphrase|secret|token|credential|api[._-]?key|private[._-]?key|jaas\.config|keystore\.key$/i;
const PROVIDER_REFERENCE_ONLY = /^\$\{[^}]*\}$/;

export function isSecretKey(def: ConfigDef, name: string): boolean {
  const key = keyIndex(def).get(name);
  if (key) return key.type === 'PASSWORD';
  return SECRET_NAME.test(name);
}

function isMaskable(def: ConfigDef, name: string, value: unknown): boolean {
  return typeof value === 'string' && value !== '' && isSecretKey(def, name) && !PROVIDER_REFERENCE_ONLY.test(value.trim());
}

/** A copy with every secret value replaced by `[hidden]`. */
export function maskSecrets(def: ConfigDef, props: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(props)) out[name] = isMaskable(def, name, value) ? SECRET_MASK : value;
  return out;
}

/**
 * For a PUT/PATCH of a config that was read back masked: a secret key whose incoming value is exactly the mask
 * keeps the stored value. If nothing is stored for it, the mask cannot stand for anything: ConfigError.
 */
export function restoreMaskedSecrets(
  def: ConfigDef,
  incoming: Readonly<Record<string, string>>,
  stored: Readonly<Record<string, string>> | null | undefined,
): Record<string, string> {
  const out: Record<string, string> = { ...incoming };
  for (const [name, value] of Object.entries(incoming)) {
    if (value !== SECRET_MASK || !isSecretKey(def, name)) continue;
    const previous = stored?.[name];
    if (previous === undefined) {
      throw new ConfigError(`Configuration "${name}" is "${SECRET_MASK}", but no value is stored for it to stand for.`, name, {
        fix: `Send the actual value of "${name}"; "${SECRET_MASK}" only keeps a value that was already set.`,
      });
    }
    out[name] = previous;
  }
  return out;
}

/**
 * The values to scrub from error text: secret values of `props` (pass resolved props, after config providers,
 * since a driver error quotes the resolved value).
 */
export function collectSecretValues(def: ConfigDef, props: Readonly<Record<string, string>>): string[] {
  const values: string[] = [];
  for (const [name, value] of Object.entries(props)) {
    if (typeof value !== 'string' || value === SECRET_MASK || !isSecretKey(def, name)) continue;
    // Connect trims values before use, so the trimmed form is what a driver error would quote.
    for (const v of new Set([value, value.trim()])) if (v !== '') values.push(v);
  }
  return values;
}

/**
 * `text` with each secret replaced by `[hidden]` where it stands as a whole token (see `maskTokens`: never inside
 * a word, so the password `x` leaves "Fix:" alone), as is, URL-encoded or JSON-escaped.
 */
export function redactSecretsInText(text: string, secretValues: readonly string[]): string {
  return secretValues.length === 0 ? text : maskTokens(text, secretValues);
}
