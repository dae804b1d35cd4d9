/**
 * Java's rules for numbers and their text, as Cast and MaskField apply them: narrowing conversions (wrapping
 * integers, saturating floats), `Integer.parseInt`-style parsing, `toString` of floats and BigDecimals, and the
 * ISO-8601 text Connect's `Values` gives dates. Values are in this project's representation (int64 as number or
 * bigint, Decimal as bytes or decimal text, Connect Date as epoch days).
 */
import { toInt64 } from '../../../schemas/builders.js';
import { decodeDecimal } from '../../../schemas/decimal.js';
import { formatDouble, formatFloat } from '../../../schemas/json-format.js';

export type IntBits = 8 | 16 | 32 | 64;

const RANGE: Record<IntBits, [bigint, bigint]> = {
  8: [-128n, 127n], 16: [-32768n, 32767n], 32: [-2147483648n, 2147483647n], 64: [-(2n ** 63n), 2n ** 63n - 1n],
};

/** An integer wrapped to `bits` (Java's `(byte)`, `(short)`, `(int)`, `(long)` of a wider integer). */
export function wrapInt(value: number | bigint, bits: IntBits): number | bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value)) {
    const [min, max] = RANGE[bits];
    if (value >= Number(min) && value <= Number(max)) return value; // the usual case: it fits
  }
  const wrapped = BigInt.asIntN(bits, BigInt(value));
  return bits === 64 ? toInt64(wrapped) : Number(wrapped);
}

/**
 * Java's narrowing of a floating-point value: to `long` for 64 bits, else to `int` then wrapped (`(byte) d` is
 * `(byte) (int) d`). NaN becomes 0; out-of-range values saturate at the long/int bounds.
 */
export function floatToInt(d: number, bits: IntBits): number | bigint {
  if (d !== d) return 0;
  const [min, max] = RANGE[bits === 64 ? 64 : 32];
  const t = Math.trunc(d);
  const big = t <= Number(min) ? min : t >= Number(max) ? max : BigInt(t);
  return wrapInt(big, bits);
}

/** Java's `Byte.parseByte` / `Short.parseShort` / `Integer.parseInt` / `Long.parseLong`; undefined when invalid. */
export function parseJavaInt(text: string, bits: IntBits): number | bigint | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const big = BigInt(text);
  const [min, max] = RANGE[bits];
  if (big < min || big > max) return undefined;
  return bits === 64 ? toInt64(big) : Number(big);
}

/** Java's `Double.parseDouble` (surrounding whitespace, NaN/Infinity, a trailing d/f); undefined when invalid. */
export function parseJavaDouble(text: string): number | undefined {
  const s = text.trim();
  if (/^[+-]?(?:NaN|Infinity)$/.test(s)) return Number(s.replace(/^\+/, ''));
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[dDfF]?$/.test(s)) return undefined;
  return Number(s.replace(/[dDfF]$/, ''));
}

function nonFinite(d: number): string | undefined {
  return d !== d ? 'NaN' : d === Infinity ? 'Infinity' : d === -Infinity ? '-Infinity' : undefined;
}

/** Java's `Double.toString`. */
export function doubleText(d: number): string {
  return nonFinite(d) ?? formatDouble(d);
}

/** Java's `Float.toString`. */
export function floatText(f: number): string {
  return nonFinite(f) ?? formatFloat(f);
}

/** A Connect Decimal value (bytes, or decimal text as connectors may hand it) as plain decimal text. */
export function decimalText(value: unknown, scale: number): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return decodeDecimal(value, scale);
  throw new TypeError(`not a Decimal value: ${typeof value}`);
}

/**
 * Java's `BigDecimal.toString` of plain decimal text at `scale` (>= 0) fraction digits: plain unless the adjusted
 * exponent is below -6 (then `1.2E-7` style), as `new BigDecimal(unscaled, scale).toString()` writes it.
 */
export function bigDecimalText(plain: string, scale: number): string {
  const negative = plain.startsWith('-');
  const digits = plain.replace(/^[+-]/, '').replace('.', '').replace(/^0+(?=\d)/, '');
  const adjusted = -scale + (digits.length - 1);
  if (scale < 0 || adjusted >= -6) return plain;
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${negative ? '-' : ''}${mantissa}E${adjusted >= 0 ? '+' : ''}${adjusted}`;
}

/** Decimal text truncated toward zero to an integer (BigDecimal's `longValue`/`intValue` before wrapping). */
export function truncatedDecimal(plain: string): bigint {
  const int = plain.split('.')[0]!;
  return int === '-' || int === '' || int === '-0' ? 0n : BigInt(int);
}

const MILLIS_PER_DAY = 86_400_000;

/**
 * Connect's `Values.dateFormatFor(date).format(date)` in UTC: before one day past the epoch a time
 * (`HH:mm:ss.SSS'Z'`), on a day boundary a date (`yyyy-MM-dd`), else a timestamp (`yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`).
 */
export function connectDateText(epochMillis: number): string {
  const iso = new Date(epochMillis).toISOString(); // yyyy-MM-ddTHH:mm:ss.SSSZ for years 0..9999
  if (epochMillis < MILLIS_PER_DAY) return iso.slice(11);
  if (epochMillis % MILLIS_PER_DAY === 0) return iso.slice(0, 10);
  return iso;
}
