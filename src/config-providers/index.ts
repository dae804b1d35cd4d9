/**
 * Kafka Connect's config provider references in config values: `${provider:[path:]key}`, e.g.
 * `${env:DB_PASSWORD}`, `${file:/etc/cdc/secrets.properties:db.password}`, `${directory:/run/secrets:db_password}`.
 *
 * As in Connect, providers are enabled per worker (`config.providers`); none are enabled by default, since an
 * enabled provider lets anyone who can submit a connector config read the worker's environment or files.
 * Unlike Connect, a reference that cannot be resolved is an error, not left in the value as text.
 */
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { ConfigError } from '../errors/index.js';
import {
  ConfigProviderError,
  createDirectoryConfigProvider,
  createEnvConfigProvider,
  createFileConfigProvider,
  type ConfigProvider,
} from './providers.js';

export * from './providers.js';
export { parseProperties } from './properties.js';

export type ConfigProviderKind = 'env' | 'file' | 'directory';

/** One entry of a worker's `config.providers`, e.g. `file` with `config.providers.file.class=...FileConfigProvider`. */
export interface ConfigProviderSpec {
  name: string;
  kind: ConfigProviderKind;
  /** `config.providers.<name>.param.*`, without that prefix (e.g. `allowed.paths`). */
  params: Record<string, string>;
}

const PROVIDER_CLASSES: Record<string, ConfigProviderKind> = {
  'org.apache.kafka.common.config.provider.EnvVarConfigProvider': 'env',
  'org.apache.kafka.common.config.provider.FileConfigProvider': 'file',
  'org.apache.kafka.common.config.provider.DirectoryConfigProvider': 'directory',
};
const KINDS: readonly ConfigProviderKind[] = ['env', 'file', 'directory'];

/** Reads `config.providers`, `config.providers.<name>.class` and `.param.*` from worker properties. */
export function configProviderSpecs(props: Readonly<Record<string, string | undefined>>): ConfigProviderSpec[] {
  const names = (props['config.providers'] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  return [...new Set(names)].map((name) => {
    const classKey = `config.providers.${name}.class`;
    const className = props[classKey]?.trim();
    const kind = className ? PROVIDER_CLASSES[className] : (KINDS as readonly string[]).includes(name) ? (name as ConfigProviderKind) : undefined;
    if (!kind) {
      throw new ConfigError(
        className
          ? `Invalid value ${className} for configuration ${classKey}: config provider class not supported by this service`
          : `Config provider "${name}" in config.providers has no ${classKey} and is not a built-in name`,
        className ? classKey : 'config.providers',
        { fix: `Use one of ${Object.keys(PROVIDER_CLASSES).join(', ')} (or name the provider env, file or directory).` },
      );
    }
    const prefix = `config.providers.${name}.param.`;
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(props)) if (k.startsWith(prefix) && v !== undefined) params[k.slice(prefix.length)] = v;
    return { name, kind, params };
  });
}

export function createConfigProviders(
  specs: readonly ConfigProviderSpec[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): Record<string, ConfigProvider> {
  const providers: Record<string, ConfigProvider> = {};
  for (const { name, kind, params } of specs) {
    const allowedPaths = kind === 'env' ? undefined : allowedPathsParam(name, params['allowed.paths']);
    providers[name] =
      kind === 'env' ? createEnvConfigProvider({ env, allowlistPattern: params['allowlist.pattern'] })
      : kind === 'file' ? createFileConfigProvider({ allowedPaths })
      : createDirectoryConfigProvider({ allowedPaths });
  }
  return providers;
}

/**
 * `config.providers.<name>.param.allowed.paths`: comma-separated, each absolute and existing, as Connect's
 * AllowedPaths requires (a typo there would otherwise allow nothing, or — if dropped — everything). Unset or
 * empty: every path may be read, as in Connect.
 */
function allowedPathsParam(name: string, value: string | undefined): string[] | undefined {
  const paths = (value ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (paths.length === 0) return undefined;
  const key = `config.providers.${name}.param.allowed.paths`;
  for (const path of paths) {
    if (!isAbsolute(path) || !existsSync(path)) {
      throw new ConfigError(`Invalid value ${value} for configuration ${key}: path ${path} is not valid; it must be absolute and exist`, key, {
        fix: 'List absolute paths of existing directories (or files), separated by commas.',
      });
    }
  }
  return paths;
}

// Connect's ConfigTransformer pattern: provider, optional path, key.
const REFERENCE = /\$\{([^}]*?):(?:([^}]*?):)?([^}]*?)\}/g;

export function hasConfigProviderReference(value: string): boolean {
  return value.includes('${') && new RegExp(REFERENCE.source).test(value);
}

export interface ResolveOptions {
  /** Providers by the name used in references. Default: none. */
  providers?: Readonly<Record<string, ConfigProvider>>;
}

interface Lookup {
  provider: ConfigProvider;
  path: string | undefined;
  keys: Set<string>;
  /** The first config key that refers to this provider+path, named in errors. */
  configKey: string;
  /** The first reference text to this provider+path, named in errors instead of anything read. */
  reference: string;
  values?: ReadonlyMap<string, string>;
}

/** A config with its references resolved, and every value a provider gave (to keep out of messages and logs). */
export interface ResolvedConfig {
  props: Record<string, string>;
  /**
   * Each value substituted for a reference, whatever the key: a provider may hold a hostname or a URL as much as
   * a password, and `${file:/etc/passwd}` in any key must not come back in an error. Callers scrub text with it.
   */
  provided: string[];
}

/** A copy of `props` with every reference replaced by its value (see `resolveConfigProvidersWithValues`). */
export function resolveConfigProviders(props: Readonly<Record<string, string>>, options: ResolveOptions = {}): Record<string, string> {
  return resolveConfigProvidersWithValues(props, options).props;
}

/**
 * `props` with every reference replaced by its value, and the values substituted. Each provider path is read once
 * per call. Throws ConfigError naming the config key, the reference and what is missing; never a value.
 */
export function resolveConfigProvidersWithValues(props: Readonly<Record<string, string>>, options: ResolveOptions = {}): ResolvedConfig {
  const providers = options.providers ?? {};
  const lookups = new Map<string, Lookup>();
  const withReferences: string[] = [];
  for (const [configKey, value] of Object.entries(props)) {
    if (typeof value !== 'string' || !value.includes('${')) continue;
    let found = false;
    for (const [text, name, path, key] of value.matchAll(REFERENCE)) {
      found = true;
      const provider = providers[name!];
      if (!provider) throw unknownProvider(configKey, text, name!, providers);
      const id = `${name}\u0000${path ?? ''}`;
      let lookup = lookups.get(id);
      if (!lookup) lookups.set(id, (lookup = { provider, path, keys: new Set(), configKey, reference: text }));
      lookup.keys.add(key!);
    }
    if (found) withReferences.push(configKey);
  }
  if (withReferences.length === 0) return { props: { ...props }, provided: [] };

  for (const lookup of lookups.values()) {
    try {
      lookup.values = lookup.provider.get(lookup.path, lookup.keys);
    } catch (err) {
      throw providerFailure(lookup.configKey, lookup.reference, err);
    }
  }
  const out: Record<string, string> = { ...props };
  const provided = new Set<string>();
  for (const configKey of withReferences) {
    out[configKey] = props[configKey]!.replace(REFERENCE, (text, name: string, path: string | undefined, key: string) => {
      const lookup = lookups.get(`${name}\u0000${path ?? ''}`)!;
      const value = lookup.values!.get(key);
      if (value === undefined) {
        throw new ConfigError(`Configuration "${configKey}" refers to ${text}, but ${lookup.provider.missing(path, key)}.`, configKey, {
          fix: 'Provide the value where the reference points, or correct the reference.',
        });
      }
      provided.add(value);
      return value;
    });
    // The whole resolved value too: text around a reference, once joined to the secret, is part of what leaks.
    if (out[configKey] !== props[configKey]) provided.add(out[configKey]!);
  }
  return { props: out, provided: [...provided] };
}

function unknownProvider(configKey: string, text: string, name: string, providers: Readonly<Record<string, ConfigProvider>>): ConfigError {
  const enabled = Object.keys(providers);
  return new ConfigError(
    `Configuration "${configKey}" refers to ${text}, but config provider "${name}" is not enabled on this worker` +
      (enabled.length ? ` (enabled: ${enabled.join(', ')}).` : ' (none is enabled).'),
    configKey,
    { fix: `Enable it in the worker config, e.g. config.providers=${name}${(KINDS as readonly string[]).includes(name) ? '' : ` and config.providers.${name}.class=<provider class>`}; or write the value itself.` },
  );
}

// Provider messages are written here and in providers.ts and never quote what was read; an unexpected error's
// message is not shown at all (it could), only its class.
function providerFailure(configKey: string, reference: string, err: unknown): ConfigError {
  if (err instanceof ConfigProviderError) {
    return new ConfigError(`Configuration "${configKey}" refers to ${reference}: ${err.message}.`, configKey, { fix: err.fix });
  }
  if (err instanceof ConfigError) return new ConfigError(`Configuration "${configKey}" refers to ${reference}: ${err.message}`, configKey, { fix: err.fix });
  const kind = err instanceof Error ? err.name : typeof err;
  return new ConfigError(`Configuration "${configKey}" refers to ${reference}, and the config provider failed (${kind}).`, configKey);
}
