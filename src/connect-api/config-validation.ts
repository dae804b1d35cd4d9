/**
 * Validating raw connector/worker properties against a ConfigDef, at the edge, with Kafka Connect's semantics
 * and messages, and rendering the result in Connect's validate response shape.
 *
 * An unknown key is accepted, as Connect and Debezium accept keys of features, transforms and tools they do not
 * know; it is reported in `warnings` (with the known key it may be a misspelling of), which `validate` shows and
 * the herder logs when the connector starts. A key with `ignoredBecause` is accepted and reported the same way.
 * Messages of `validate` hooks are prefixed Connect-style: `Invalid value V for configuration K: <message>`.
 */
import type { ConfigDef, ConfigInfo, ConfigInfos, ConfigKeyDef, ConfigValue } from './config-def.js';
import { configValueToString, invalidValueMessage, parseValue } from './config-values.js';
import { keyIndex } from './def-index.js';
import { isSecretKey, SECRET_MASK } from './secrets.js';

export interface ParsedConfig {
  /** Every key of the def: the parsed value, the default when absent, null when missing or invalid. */
  settings: Record<string, ConfigValue>;
  /** Messages per key; empty when the config is valid. */
  errors: Record<string, string[]>;
  /** Keys that were set but have no effect here (unknown, or `ignoredBecause`), with the reason. Not errors. */
  warnings: Record<string, string>;
}

function isPassthrough(def: ConfigDef, name: string): boolean {
  return def.passthroughPrefixes?.some((p) => name.startsWith(p)) ?? false;
}

function addError(errors: Record<string, string[]>, name: string, message: string): void {
  const list = (errors[name] ??= []);
  if (!list.includes(message)) list.push(message);
}

/** A raw property as a string; REST bodies may carry numbers/booleans, which Connect coerces the same way. */
function rawString(v: unknown): string | undefined | { invalid: string } {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return { invalid: `Expected a string value, got ${Array.isArray(v) ? 'an array' : typeof v}` };
}

function copyDefault(value: ConfigValue): ConfigValue {
  return Array.isArray(value) ? [...value] : value;
}

export function parseConfig(def: ConfigDef, props: Readonly<Record<string, string>>): ParsedConfig {
  const index = keyIndex(def);
  const settings: Record<string, ConfigValue> = {};
  const errors: Record<string, string[]> = {};
  const warnings: Record<string, string> = {};
  const given = new Set<string>();

  for (const key of def.keys) {
    const raw = rawString(props[key.name]);
    if (raw === undefined) {
      if (key.default === undefined && !key.ignoredBecause) {
        addError(errors, key.name, `Missing required configuration "${key.name}" which has no default value.`);
      }
      settings[key.name] = key.default === undefined ? null : copyDefault(key.default);
      continue;
    }
    given.add(key.name);
    const parsed = typeof raw === 'string' ? parseValue(key, raw) : { ok: false as const, error: invalidValueMessage(key, JSON.stringify(props[key.name]), raw.invalid) };
    if (key.ignoredBecause) {
      warnings[key.name] = key.ignoredBecause;
      settings[key.name] = parsed.ok ? parsed.value : copyDefault(key.default ?? null);
      continue;
    }
    if (parsed.ok) settings[key.name] = parsed.value;
    else {
      settings[key.name] = null;
      addError(errors, key.name, parsed.error);
    }
  }

  let passthrough: Record<string, string> | undefined;
  for (const name of Object.keys(props)) {
    if (index.has(name)) continue;
    if (isPassthrough(def, name)) {
      const raw = rawString(props[name]);
      if (typeof raw === 'string') (passthrough ??= {})[name] = raw;
      continue;
    }
    warnings[name] = unknownKeyMessage(index, name);
  }

  // Hooks run after every key is parsed so they can check combinations; they see pass-through keys too.
  const all: Readonly<Record<string, ConfigValue>> = passthrough ? { ...passthrough, ...settings } : settings;
  for (const key of def.keys) {
    if (!key.validate || key.ignoredBecause || errors[key.name]) continue;
    const value = settings[key.name] ?? null;
    const message = key.validate(value, all);
    if (message !== undefined) {
      const shown = given.has(key.name) ? props[key.name] : configValueToString(value, key.type);
      addError(errors, key.name, invalidValueMessage(key, shown, message));
    }
  }
  return { settings, errors, warnings };
}

function unknownKeyMessage(index: Map<string, ConfigKeyDef>, name: string): string {
  for (let dot = name.lastIndexOf('.'); dot > 0; dot = name.lastIndexOf('.', dot - 1)) {
    const parent = name.slice(0, dot);
    if (index.has(parent)) {
      return `Not a configuration key of this connector, so it has no effect; keys under "${parent}." are not read (see "${parent}")`;
    }
  }
  const suggestion = closestKey(index, name);
  return suggestion
    ? `Not a configuration key of this connector, so it has no effect; did you mean "${suggestion}"?`
    : 'Not a configuration key of this connector, so it has no effect';
}

function closestKey(index: Map<string, ConfigKeyDef>, name: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.min(3, Math.floor(name.length / 3));
  for (const candidate of index.keys()) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase(), bestDistance);
    if (d <= bestDistance) {
      best = candidate;
      bestDistance = d - 1; // only a strictly closer key replaces it
    }
  }
  return best;
}

/** Levenshtein distance, giving up (returning limit + 1) once it must exceed `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      row.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > limit) return limit + 1;
    prev = row;
  }
  return prev[b.length]!;
}

/** A key's definition as `GET /connector-plugins/{plugin}/config` and validate show it (Connect's ConfigKeyInfo). */
export function describeConfigKey(key: ConfigKeyDef): ConfigInfo['definition'] {
  const documentation = key.ignoredBecause ? `${key.documentation} (Has no effect here: ${key.ignoredBecause})` : key.documentation;
  return {
    name: key.name,
    type: key.type,
    required: key.default === undefined,
    default_value: configValueToString(key.default, key.type),
    importance: key.importance ?? 'MEDIUM',
    documentation,
    group: key.group ?? null,
    width: key.width ?? 'NONE',
    display_name: key.displayName ?? key.name,
    dependents: [],
    order: key.orderInGroup ?? -1,
  };
}

export function describeConfigKeys(def: ConfigDef): ConfigInfo['definition'][] {
  return def.keys.map(describeConfigKey);
}

/**
 * Connect's `PUT /connector-plugins/{plugin}/config/validate` response. `extraErrors` are the plugin's own
 * checks (`ConnectorPlugin.validate`). Keys without a definition (unknown, or named only by extraErrors) come
 * first, as in Connect, with a stand-in definition; their values are masked if the name looks secret.
 */
export function validateConfigInfos(
  pluginClass: string,
  def: ConfigDef,
  props: Readonly<Record<string, string>>,
  extraErrors: Readonly<Record<string, readonly string[]>> = {},
): ConfigInfos {
  const { settings, errors, warnings } = parseConfig(def, props);
  for (const [name, messages] of Object.entries(extraErrors)) for (const m of messages) addError(errors, name, m);

  const index = keyIndex(def);
  const configs: ConfigInfo[] = [];
  // Keys without a definition first, as in Connect: those with errors, then unknown ones (no error, a warning).
  for (const name of Object.keys(warnings)) if (!index.has(name) && !errors[name]) errors[name] = [];
  for (const name of Object.keys(errors)) {
    if (index.has(name)) continue;
    const raw = rawString(props[name]);
    const value = typeof raw === 'string' ? (isSecretKey(def, name) ? SECRET_MASK : raw) : null;
    configs.push({
      definition: { ...describeConfigKey({ name, type: 'STRING', documentation: warnings[name] ?? 'Not a configuration key of this connector.', default: null }), importance: 'LOW' },
      value: { name, value, recommended_values: [], errors: errors[name]!, visible: true },
    });
  }
  const groups: string[] = [];
  for (const key of def.keys) {
    if (key.group && !groups.includes(key.group)) groups.push(key.group);
    configs.push({
      definition: describeConfigKey(key),
      value: {
        name: key.name,
        value: configValueToString(settings[key.name], key.type),
        recommended_values: key.allowed ? [...key.allowed] : [],
        errors: errors[key.name] ?? [],
        visible: true,
      },
    });
  }
  const error_count = configs.reduce((n, c) => n + c.value.errors.length, 0);
  return { name: pluginClass, error_count, groups, configs };
}

/** One def from several; a later definition of a name replaces the earlier one in its original position. */
export function mergeConfigDefs(...defs: ConfigDef[]): ConfigDef {
  const keys = new Map<string, ConfigKeyDef>();
  const prefixes = new Set<string>();
  for (const def of defs) {
    for (const key of def.keys) keys.set(key.name, key);
    for (const p of def.passthroughPrefixes ?? []) prefixes.add(p);
  }
  return { keys: [...keys.values()], passthroughPrefixes: [...prefixes] };
}

/** Validators for `ConfigKeyDef.validate`, worded as Connect's. They pass null (an optional key left unset). */
export function atLeast(min: number): NonNullable<ConfigKeyDef['validate']> {
  return (v) => (typeof v === 'number' && v < min ? `Value must be at least ${min}` : undefined);
}

export function between(min: number, max: number): NonNullable<ConfigKeyDef['validate']> {
  return (v) => {
    if (typeof v !== 'number') return undefined;
    if (v < min) return `Value must be at least ${min}`;
    if (v > max) return `Value must be no more than ${max}`;
    return undefined;
  };
}

export const nonEmptyString: NonNullable<ConfigKeyDef['validate']> = (v) =>
  typeof v === 'string' && v.trim() === '' ? 'String must be non-empty' : undefined;
