/**
 * Connector configs at the herder's edge: finding the plugin, validating as Connect's AbstractHerder does
 * (config providers resolved first, then the ConfigDef, then the plugin's own checks), Connect's error message
 * for an invalid config, and masking secrets in everything the herder returns.
 */
import {
  collectSecretValues,
  commonConnectorConfigDef,
  connectorConfigDef,
  maskSecrets,
  parseConfig,
  redactSecretsInText,
  validateConfigInfos,
  type ConfigDef,
  type ConfigInfos,
  type ConfigValue,
  type ConnectorPlugin,
  type SmtCatalog,
} from '../connect-api/index.js';
import { CdcError, maskTokens } from '../errors/index.js';
import type { PluginRegistry } from '../connect-api/index.js';
import { BadRequestError } from './errors.js';

/** Resolves config-provider references: the resolved props and every value a provider gave (see `providedScrubber`). */
export type ConfigResolver = (props: Readonly<Record<string, string>>) => { props: Record<string, string>; provided: string[] };
export type ClientSettingsCheck = (props: Readonly<Record<string, string>>) => Record<string, string[]>;

export const CONNECTOR_CLASS = 'connector.class';
const NULL_VALUE = 'Null value can not be supplied as the configuration value.';

/** The def a connector's config is read with (common keys + topic creation + the plugin's), for masking. */
export function defFor(plugin: ConnectorPlugin | undefined, props: Readonly<Record<string, string>>, smts: SmtCatalog): ConfigDef {
  return plugin ? connectorConfigDef(plugin.configDef, props, smts) : commonConnectorConfigDef;
}

export function masked(plugin: ConnectorPlugin | undefined, props: Readonly<Record<string, string>>, smts: SmtCatalog): Record<string, string> {
  return maskSecrets(defFor(plugin, props, smts), props);
}

export function unknownPluginMessage(cls: string, registry: PluginRegistry): string {
  const available = registry.all().map((p) => p.className).join(', ') || 'none';
  return `Failed to find any class that implements Connector and which name matches ${cls}, available connectors are: ${available}`;
}

/** Splits a REST body's config into string values and the keys given as null (an error, as in Connect). */
export function withoutNulls(config: Readonly<Record<string, string | null>>): { props: Record<string, string>; nullKeys: string[] } {
  const props: Record<string, string> = {};
  const nullKeys: string[] = [];
  for (const [k, v] of Object.entries(config)) {
    if (v === null) nullKeys.push(k);
    else props[k] = v;
  }
  return { props, nullKeys };
}

export interface ConfigCheck {
  plugin: ConnectorPlugin;
  infos: ConfigInfos;
  /** Config providers resolved; only meaningful when `infos.error_count` is 0. */
  resolved: Record<string, string>;
  settings: Record<string, ConfigValue>;
}

/**
 * Validates a connector config. Throws BadRequestError when there is no connector class or no such plugin
 * (Connect answers those with 400 too); otherwise returns the validate response, errors included.
 */
export async function checkConnectorConfig(
  config: Readonly<Record<string, string | null>>,
  registry: PluginRegistry,
  resolve: ConfigResolver,
  checkClientSettings?: ClientSettingsCheck,
): Promise<ConfigCheck> {
  const { props, nullKeys } = withoutNulls(config);
  const cls = props[CONNECTOR_CLASS];
  if (cls === undefined || cls.trim() === '') {
    const shown = JSON.stringify(maskSecrets(commonConnectorConfigDef, props));
    throw new BadRequestError(`Connector config ${shown} contains no connector type`, `Set "${CONNECTOR_CLASS}" to one of the classes GET /connector-plugins lists.`);
  }
  const plugin = registry.find(cls);
  if (!plugin) throw new BadRequestError(unknownPluginMessage(cls, registry), 'Use a class name or alias that GET /connector-plugins lists.');

  const extraErrors: Record<string, string[]> = {};
  const addError = (key: string, message: string) => (extraErrors[key] ??= []).push(message);
  for (const key of nullKeys) addError(key, NULL_VALUE);

  let resolved: Record<string, string>;
  let provided: string[] = [];
  try {
    ({ props: resolved, provided } = resolve(props));
  } catch (err) {
    // An unresolvable reference is reported on its key; the value then stays unresolved for the rest of the checks.
    const key = err instanceof CdcError && 'key' in err && typeof err.key === 'string' ? err.key : CONNECTOR_CLASS;
    addError(key, err instanceof Error ? err.message : String(err));
    resolved = { ...props };
  }
  if (checkClientSettings && Object.keys(extraErrors).length === 0) {
    for (const [key, messages] of Object.entries(checkClientSettings(resolved))) for (const m of messages) addError(key, m);
  }
  const def = connectorConfigDef(plugin.configDef, resolved, registry);
  const parsed = parseConfig(def, resolved);
  // The plugin's own checks may reach the database; only worth it once the config parses.
  if (plugin.validate && Object.keys(parsed.errors).length === 0 && Object.keys(extraErrors).length === 0) {
    try {
      const result = await plugin.validate(parsed.settings, resolved);
      for (const [key, messages] of Object.entries(result.errors)) for (const m of messages) addError(key, m);
    } catch (err) {
      addError(CONNECTOR_CLASS, `The connector's validation failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const infos = validateConfigInfos(cls, def, resolved, extraErrors);
  // Every message — the ConfigDef's ("Invalid value <v> for configuration k"), the plugin's (a driver error with
  // the hostname), the client checks' — goes through one scrubber, after all of them are made: a check added
  // later is covered without having to know which values came from where.
  const scrub = providedScrubber(props, resolved, [...collectSecretValues(def, resolved), ...provided]);
  for (const info of infos.configs) {
    info.value.errors = info.value.errors.map((m) => scrub(m, info.value.name));
    // Show what the user sent, not what a provider resolved it to (that may be a secret under a non-secret key):
    // Connect's validate shows the raw, unresolved value too. recommended_values come from the def, never a value.
    const raw = props[info.value.name];
    if (raw !== undefined && raw !== resolved[info.value.name] && info.value.value !== null) info.value.value = raw;
  }
  return { plugin, infos, resolved, settings: parsed.settings };
}

/**
 * A function that takes resolved values out of a message about `key`: where the key's own resolved value stands,
 * the reference the user wrote (`Invalid value ${file:/x:k} for configuration topic`), so the message still says
 * which value is wrong; then every secret and provider-given value, wherever it stands, as `[hidden]`.
 */
export function providedScrubber(
  raw: Readonly<Record<string, string>>,
  resolved: Readonly<Record<string, string>>,
  secrets: readonly string[],
): (text: string, key?: string) => string {
  return (text, key) => {
    const written = key === undefined ? undefined : raw[key];
    const value = key === undefined ? undefined : resolved[key];
    const named = written !== undefined && value !== undefined && written !== value ? maskTokens(text, [value], () => written) : text;
    return redactSecretsInText(named, secrets);
  };
}

/** Connect's message for a create/update with an invalid config, naming each key the way Connect's messages do. */
export function invalidConfigMessage(infos: ConfigInfos): string {
  const lines = [`Connector configuration is invalid and contains the following ${infos.error_count} error(s):`];
  for (const info of infos.configs) {
    const key = info.value.name;
    for (const message of info.value.errors) {
      lines.push(message.includes(`configuration ${key}`) || message.includes(`"${key}"`) ? message : `${key}: ${message}`);
    }
  }
  lines.push('You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`');
  return lines.join('\n');
}

/**
 * Connect's reverse transform: task configs as the plugin generated them from the resolved connector config,
 * with every value that came from a config-provider reference put back as the reference, so resolved secrets
 * are never written to the config topic.
 */
export function unresolveTaskConfigs(
  rawConnector: Readonly<Record<string, string>>,
  resolvedConnector: Readonly<Record<string, string>>,
  taskConfigs: readonly Record<string, string>[],
): Record<string, string>[] {
  const referenced = Object.keys(rawConnector).filter((k) => rawConnector[k] !== resolvedConnector[k]);
  if (referenced.length === 0) return taskConfigs.map((c) => ({ ...c }));
  return taskConfigs.map((config) => {
    const out = { ...config };
    for (const key of referenced) if (key in out) out[key] = rawConnector[key]!;
    return out;
  });
}

export function sameConfigs(a: readonly Record<string, string>[] | undefined, b: readonly Record<string, string>[]): boolean {
  if (!a || a.length !== b.length) return false;
  return a.every((config, i) => {
    const other = b[i]!;
    const keys = Object.keys(config);
    return keys.length === Object.keys(other).length && keys.every((k) => config[k] === other[k]);
  });
}
