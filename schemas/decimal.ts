import { bytes, field, float64, int32, string, struct, type SchemaOptions, type ValueMapping } from './builders.js';
import type { ConnectSchema } from './connect-schema.js';
import { invalidValue } from './errors.js';

export const DecimalName = {
  Decimal: 'org.apache.kafka.connect.data.Decimal',
  VariableScaleDecimal: 'io.debezium.data.VariableScaleDecimal',
} as const;

export type DecimalHandlingMode = 'precise' | 'double' | 'string';

/**
 * Connect's Decimal: bytes holding the two's-complement big-endian unscaled value, parameters `scale` and (as
 * Debezium adds it) `connect.decimal.precision`.
 */
export function decimalSchema(scale: number, precision?: number, o?: SchemaOptions): ConnectSchema {
  const parameters: Record<string, string> = { scale: String(scale) };
  if (precision !== undefined) parameters['connect.decimal.precision'] = String(precision);
  return bytes({ ...o, name: DecimalName.Decimal, version: 1, parameters });
}

/** Debezium's VariableScaleDecimal: struct { scale int32, value bytes } (PostgreSQL NUMERIC without scale). */
export function variableScaleDecimalSchema(o?: SchemaOptions): ConnectSchema {
  return struct([field('scale', int32()), field('value', bytes())], {
    ...o, name: DecimalName.VariableScaleDecimal, version: 1, doc: 'Variable scaled decimal',
  });
}

/** A decimal split into sign, integer digits and fraction digits (no leading '+', no exponent). */
interface DecimalText { negative: boolean; int: string; frac: string }

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

function splitDecimal(text: string): DecimalText | null {
  const m = DECIMAL.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  let int = m[2] || '0';
  let frac = m[3] ?? '';
  if (m[4] !== undefined) {
    // Scientific notation (JS numbers, some drivers): move the point.
    const exp = Number(m[4]);
    const all = int + frac;
    const point = int.length + exp;
    if (point <= 0) { int = '0'; frac = '0'.repeat(-point) + all; }
    else if (point >= all.length) { int = all + '0'.repeat(point - all.length); frac = ''; }
    else { int = all.slice(0, point); frac = all.slice(point); }
  }
  return { negative: m[1] === '-', int, frac };
}

/**
 * The unscaled value of `text` at `scale` as a digit string. Fraction digits beyond the scale must be zeros:
 * a value that does not fit its column's scale is a mapping bug, never silently rounded.
 */
function unscaledDigits(d: DecimalText, scale: number): string {
  let frac = d.frac;
  if (frac.length > scale) {
    if (!/^0*$/.test(frac.slice(scale))) throw invalidValue('Decimal', `a number with at most ${scale} fraction digits`);
    frac = frac.slice(0, scale);
  }
  return d.int + frac.padEnd(scale, '0');
}

/** Two's-complement big-endian bytes of an integer, minimal length, as Java's `BigInteger.toByteArray()`. */
export function unscaledToBytes(value: bigint): Buffer {
  if (value >= 0n) {
    let hex = value.toString(16);
    if (hex.length % 2) hex = '0' + hex;
    if (hex.charCodeAt(0) >= 56 /* '8' */) hex = '00' + hex;
    return Buffer.from(hex, 'hex');
  }
  const bitLength = (-value - 1n).toString(2).length - (value === -1n ? 1 : 0);
  const len = (bitLength >> 3) + 1;
  const hex = ((1n << BigInt(len * 8)) + value).toString(16).padStart(len * 2, '0');
  return Buffer.from(hex, 'hex');
}

/** Fast path for |n| < 2^47 (14 digits): no BigInt. */
function smallToBytes(n: number): Buffer {
  let len = 1;
  while (n >= 2 ** (8 * len - 1) || n < -(2 ** (8 * len - 1))) len++;
  let v = n < 0 ? n + 2 ** (8 * len) : n;
  const out = Buffer.allocUnsafe(len);
  for (let i = len - 1; i >= 0; i--) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  return out;
}

function digitsToBytes(negative: boolean, digits: string): Buffer {
  if (digits.length <= 14) {
    const n = Number(digits);
    return smallToBytes(negative ? -n : n);
  }
  const big = BigInt(digits);
  return unscaledToBytes(negative ? -big : big);
}

/** Decimal text (any precision) → Connect Decimal bytes at `scale`, exactly. */
export function encodeDecimal(text: string, scale: number): Buffer {
  const d = splitDecimal(text);
  if (!d) throw invalidValue('Decimal', 'a decimal number');
  return digitsToBytes(d.negative, unscaledDigits(d, scale));
}

/** Decimal text → VariableScaleDecimal struct value; the scale is the number of fraction digits given. */
export function encodeVariableScaleDecimal(text: string): { scale: number; value: Buffer } {
  const d = splitDecimal(text);
  if (!d) throw invalidValue('VariableScaleDecimal', 'a decimal number');
  return { scale: d.frac.length, value: digitsToBytes(d.negative, d.int + d.frac) };
}

/** Connect Decimal bytes back to plain decimal text (tests, Avro, diagnostics). */
export function decodeDecimal(value: Uint8Array, scale: number): string {
  let n = value.length ? BigInt('0x' + Buffer.from(value).toString('hex')) : 0n;
  if (value.length && value[0]! & 0x80) n -= 1n << BigInt(value.length * 8);
  const negative = n < 0n;
  let digits = (negative ? -n : n).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = digits.slice(0, -scale) + '.' + digits.slice(-scale);
  } else if (scale < 0) {
    digits += '0'.repeat(-scale);
  }
  return negative ? '-' + digits : digits;
}

/** Plain text of the value at `scale` (Java's `BigDecimal.toPlainString()` after padding the scale). */
export function decimalToPlainString(text: string, scale?: number): string {
  const d = splitDecimal(text);
  if (!d) throw invalidValue('Decimal', 'a decimal number');
  const int = d.int.replace(/^0+(?=\d)/, '');
  const frac = scale === undefined ? d.frac : unscaledDigits(d, scale).slice(d.int.length);
  const body = frac ? `${int}.${frac}` : int;
  return d.negative && /[1-9]/.test(body) ? '-' + body : body; // BigDecimal has no negative zero
}

const SPECIAL = new Set(['NaN', 'Infinity', '-Infinity']);

/**
 * DECIMAL/NUMERIC(precision, scale) under `decimal.handling.mode`: `precise` → Connect Decimal (or
 * VariableScaleDecimal when `scale` is undefined), `double` → float64, `string` → plain string.
 * PostgreSQL's `NaN`/`Infinity` encode as null in `precise` mode (Connect bytes cannot hold them).
 */
export function decimalMapping(
  mode: DecimalHandlingMode, precision: number | undefined, scale: number | undefined, o?: SchemaOptions,
): ValueMapping {
  if (mode === 'double') return { schema: float64(o), encode: (t) => Number(t) };
  if (mode === 'string') {
    return { schema: string(o), encode: (t) => (SPECIAL.has(t) ? t : decimalToPlainString(t, scale)) };
  }
  if (scale === undefined) {
    return { schema: variableScaleDecimalSchema(o), encode: (t) => (SPECIAL.has(t) ? null : encodeVariableScaleDecimal(t)) };
  }
  return { schema: decimalSchema(scale, precision, o), encode: (t) => (SPECIAL.has(t) ? null : encodeDecimal(t, scale)) };
}
