/**
 * Kafka Connect's built-in config providers: `env` (EnvVarConfigProvider), `file` (FileConfigProvider) and
 * `directory` (DirectoryConfigProvider), with their `allowlist.pattern` / `allowed.paths` (KIP-993) limits.
 *
 * Beyond Connect, `${file:/path/to/secret}` (no key) is the whole file, for Docker/Kubernetes secret files.
 * Whole-file values (that form and `directory`) lose one trailing newline, which such files almost always end in.
 */
import { readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { parseProperties } from './properties.js';

export interface ConfigProvider {
  /**
   * The values of `keys` at `path` (`undefined` when the reference has none, as in `${env:VAR}`). Keys without a
   * value are left out. Throws `ConfigProviderError` when the path cannot be used at all.
   */
  get(path: string | undefined, keys: ReadonlySet<string>): ReadonlyMap<string, string>;
  /** Why `key` has no value, in words, for the error message. */
  missing(path: string | undefined, key: string): string;
}

/** A provider cannot read what a reference points at; the resolver adds which config key it was. */
export class ConfigProviderError extends Error {
  constructor(message: string, readonly fix: string) {
    super(message);
    this.name = 'ConfigProviderError';
  }
}

export interface EnvProviderOptions {
  env?: Readonly<Record<string, string | undefined>>;
  /** Only variables whose whole name matches may be read (Connect's `allowlist.pattern`). */
  allowlistPattern?: string;
}

export function createEnvConfigProvider(options: EnvProviderOptions = {}): ConfigProvider {
  const env = options.env ?? process.env;
  const allow = options.allowlistPattern ? new RegExp(`^(?:${options.allowlistPattern})$`) : undefined;
  return {
    get(path, keys) {
      if (path) throw new ConfigProviderError(`the env provider takes no path (got "${path}")`, 'Write the reference as ${env:VARIABLE_NAME}.');
      const out = new Map<string, string>();
      for (const k of keys) {
        const v = env[k];
        if (v !== undefined && (!allow || allow.test(k))) out.set(k, v);
      }
      return out;
    },
    missing(_path, key) {
      return allow && !allow.test(key)
        ? `environment variable ${key} is not allowed by the env provider's allowlist.pattern`
        : `environment variable ${key} is not set`;
    },
  };
}

export interface FileProviderOptions {
  /**
   * Directories (or files) the provider may read under (Connect's `allowed.paths`, KIP-993); unset means anywhere.
   * Give them absolute and existing (`allowedPathsParam` checks that at worker start).
   */
  allowedPaths?: readonly string[];
}

function realpathOrUndefined(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

const isUnder = (path: string, base: string) => path === base || path.startsWith(base.endsWith(sep) ? base : base + sep);

/**
 * The path to read for a reference, or ConfigProviderError when it may not be read. With allowed.paths, the
 * reference is checked twice: as written, normalised (`..` removed), before anything on disk is touched — so a
 * path outside is refused the same whether or not it exists, and nothing there is even looked at; then with
 * symlinks resolved (realpath), so a link inside an allowed directory cannot point outside it. The resolved
 * path is what is read, so a link swapped after the check is not followed either.
 */
function checkAllowed(path: string, allowedPaths: readonly string[] | undefined, provider: string): string {
  if (!isAbsolute(path)) {
    throw new ConfigProviderError(`the ${provider} provider needs an absolute path, got "${path}"`, 'Use an absolute path.');
  }
  const full = resolve(path);
  if (!allowedPaths || allowedPaths.length === 0) return full;
  const bases = allowedPaths.map((dir) => resolve(dir));
  const outside = () =>
    new ConfigProviderError(`"${path}" is outside the ${provider} provider's allowed.paths`,
      `Move the file under one of: ${allowedPaths.join(', ')}, or extend config.providers.${provider}.param.allowed.paths in the worker config.`);
  const realBases = bases.map((base) => realpathOrUndefined(base) ?? base);
  if (!bases.some((base) => isUnder(full, base)) && !realBases.some((base) => isUnder(full, base))) throw outside();
  const real = realpathOrUndefined(full);
  if (real === undefined) return full; // does not exist (or a dangling link): reading it says so
  if (!realBases.some((base) => isUnder(real, base))) throw outside();
  return real;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable by the service' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? (err as Error).message})`;
    throw new ConfigProviderError(`file ${path} ${why}`, 'Check the path in the reference and that the file is readable by the service.');
  }
}

function withoutTrailingNewline(s: string): string {
  return s.endsWith('\r\n') ? s.slice(0, -2) : s.endsWith('\n') ? s.slice(0, -1) : s;
}

export function createFileConfigProvider(options: FileProviderOptions = {}): ConfigProvider {
  return {
    get(path, keys) {
      const out = new Map<string, string>();
      if (path === undefined || path === '') {
        // `${file:/run/secrets/db_password}`: each "key" is a file whose whole content is the value.
        for (const k of keys) out.set(k, withoutTrailingNewline(readText(checkAllowed(k, options.allowedPaths, 'file'))));
        return out;
      }
      const full = checkAllowed(path, options.allowedPaths, 'file');
      const props = parseProperties(readText(full), full);
      for (const k of keys) if (Object.hasOwn(props, k)) out.set(k, props[k]!);
      return out;
    },
    missing(path, key) {
      return `file ${path} has no key "${key}"`;
    },
  };
}

export function createDirectoryConfigProvider(options: FileProviderOptions = {}): ConfigProvider {
  return {
    get(path, keys) {
      if (!path) throw new ConfigProviderError('the directory provider needs a directory', 'Write the reference as ${directory:/path/to/dir:file-name}.');
      const dir = checkAllowed(path, options.allowedPaths, 'directory');
      let names: Set<string>;
      try {
        names = new Set(readdirSync(dir));
      } catch {
        throw new ConfigProviderError(`directory ${path} does not exist or is not readable`, 'Check the directory in the reference.');
      }
      const out = new Map<string, string>();
      for (const k of keys) {
        if (!names.has(k) || k.includes('/') || k.includes(sep)) continue;
        // The file may be a symlink out of the directory: checked like a reference of its own.
        const file = checkAllowed(join(dir, k), options.allowedPaths, 'directory');
        if (statSync(file).isFile()) out.set(k, withoutTrailingNewline(readText(file)));
      }
      return out;
    },
    missing(path, key) {
      return `directory ${path} has no file "${key}"`;
    },
  };
}
