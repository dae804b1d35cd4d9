/**
 * Parsing raw string config values by ConfigType, with Kafka Connect's rules and messages
 * (`Invalid value X for configuration K: reason`), and the reverse: a value as a string for REST output.
 */
import { MASK } from '../errors/index.js';
import type { ConfigKeyDef, ConfigType, ConfigValue } from './config-def.js';

/** What REST responses, logs and status traces show instead of a secret. */
export const SECRET_MASK = MASK;

export type ParsedValue = { ok: true; value: ConfigValue } | { ok: false; error: string };

const INTEGER = /^[+-]?\d+$/;
// Java's Double.parseDouble also accepts a trailing type suffix (1.5d, 2f).
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[dDfF]?$/;
const INT_RANGES: Partial<Record<ConfigType, readonly [number, number]>> = {
  SHORT: [-32768, 32767],
  INT: [-2147483648, 2147483647],
  // Java longs go to ±2^63; JavaScript numbers are exact only to ±2^53, so we refuse what we can't hold exactly.
  LONG: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** Connect's ConfigException wording. Password values are never echoed. */
export function invalidValueMessage(key: ConfigKeyDef | string, raw: unknown, reason: string): string {
  const name = typeof key === 'string' ? key : key.name;
  const shown = typeof key !== 'string' && key.type === 'PASSWORD' ? SECRET_MASK : formatRaw(raw);
  return `Invalid value ${shown} for configuration ${name}: ${reason}`;
}

function formatRaw(raw: unknown): string {
  if (Array.isArray(raw)) return raw.join(',');
  return String(raw);
}

/** Parses one raw value (already known to be present) by the key's type, then applies aliases and `allowed`. */
export function parseValue(key: ConfigKeyDef, raw: string): ParsedValue {
  const trimmed = raw.trim();
  switch (key.type) {
    case 'BOOLEAN': {
      const s = alias(key, trimmed).toLowerCase();
      if (s === 'true') return { ok: true, value: true };
      if (s === 'false') return { ok: true, value: false };
      return fail(key, raw, 'Expected value to be either true or false');
    }
    case 'SHORT':
    case 'INT':
    case 'LONG': {
      const s = alias(key, trimmed);
      const [min, max] = INT_RANGES[key.type]!;
      if (!INTEGER.test(s)) return fail(key, raw, `Not a number of type ${key.type}`);
      const n = Number(s);
      if (n < min || n > max) {
        return key.type === 'LONG'
          ? fail(key, raw, `Not a number of type LONG this service can hold exactly (between ${min} and ${max})`)
          : fail(key, raw, `Not a number of type ${key.type}`);
      }
      return { ok: true, value: n === 0 ? 0 : n }; // -0 → 0
    }
    case 'DOUBLE': {
      const s = alias(key, trimmed);
      if (DECIMAL.test(s)) return { ok: true, value: Number(s.replace(/[dDfF]$/, '')) };
      if (/^[+-]?(?:NaN|Infinity)$/.test(s)) return { ok: true, value: Number(s) };
      return fail(key, raw, 'Not a number of type DOUBLE');
    }
    case 'LIST': {
      if (trimmed === '') return { ok: true, value: [] };
      const items = trimmed.split(/\s*,\s*/);
      for (let i = 0; i < items.length; i++) {
        const checked = checkAllowed(key, alias(key, items[i]!));
        if (checked === undefined) return fail(key, raw, allowedReason(key));
        items[i] = checked;
      }
      return { ok: true, value: items };
    }
    case 'PASSWORD':
      return { ok: true, value: trimmed };
    case 'STRING':
    case 'CLASS': {
      const checked = checkAllowed(key, alias(key, trimmed));
      if (checked === undefined) return fail(key, raw, allowedReason(key));
      return { ok: true, value: checked };
    }
  }
}

function fail(key: ConfigKeyDef, raw: string, reason: string): ParsedValue {
  return { ok: false, error: invalidValueMessage(key, raw, reason) };
}

function alias(key: ConfigKeyDef, s: string): string {
  return key.valueAliases?.[s.toLowerCase()] ?? s;
}

/** The canonical spelling from `allowed` (case-insensitive match), the value itself if unrestricted, else undefined. */
function checkAllowed(key: ConfigKeyDef, s: string): string | undefined {
  if (!key.allowed || key.allowed.length === 0) return s;
  const lower = s.toLowerCase();
  return key.allowed.find((a) => a.toLowerCase() === lower);
}

function allowedReason(key: ConfigKeyDef): string {
  return `String must be one of (case insensitive): ${(key.allowed ?? []).join(', ')}`;
}

/** Connect's `ConfigDef.convertToString`: lists comma-joined, passwords masked, null stays null. */
export function configValueToString(value: ConfigValue | undefined, type: ConfigType | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (type === 'PASSWORD') return SECRET_MASK;
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}
