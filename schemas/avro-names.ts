/**
 * Names in Avro schemas. Avro allows `[A-Za-z_][A-Za-z0-9_]*` for record and field names; column and topic names
 * often have other characters. Two independent fixes exist, and we implement both as their owners define them:
 *  - Debezium's `schema.name.adjustment.mode` / `field.name.adjustment.mode` (connector keys): `avro` replaces each
 *    invalid character with `_` (a leading digit is kept behind the `_`), `avro_unicode` with `_uXXXX`;
 *  - Confluent's `scrub.invalid.names` (converter key): URL-encodes, then replaces what is still invalid with `_`
 *    (and prefixes a leading digit with `x`).
 */
export type NameAdjustmentMode = 'none' | 'avro' | 'avro_unicode';

const VALID_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isValidAvroName(name: string): boolean {
  return VALID_NAME.test(name);
}

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isDigit = (c: number) => c >= 48 && c <= 57;
const UNDERSCORE = 95;
const DOT = 46;

/** Debezium's `_uXXXX` escape: the UTF-16 code unit in hex, "00"-padded when it has at most two digits. */
function unicodeEscape(c: number): string {
  const hex = c.toString(16);
  return '_u' + (hex.length <= 2 ? '00' + hex : hex);
}

interface Adjuster {
  validFirst(c: number): boolean;
  validNext(c: number): boolean;
  unicode: boolean;
}

function adjust(name: string, a: Adjuster): string {
  if (name === '') return name;
  let out = '';
  let changed = false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (i === 0 ? a.validFirst(c) : a.validNext(c)) {
      out += name[i];
      continue;
    }
    changed = true;
    out += a.unicode ? unicodeEscape(c) : '_';
    // Debezium keeps a leading digit after the `_`, so columns `1a` and `2a` stay distinct.
    if (i === 0 && !a.unicode && isDigit(c)) out += name[i];
  }
  return changed ? out : name;
}

// Schema (full) names keep their dots; field names may not contain one. The unicode modes escape `_` itself.
const SCHEMA_AVRO: Adjuster = { validFirst: (c) => isLetter(c) || c === UNDERSCORE, validNext: (c) => isLetter(c) || c === UNDERSCORE || c === DOT || isDigit(c), unicode: false };
const SCHEMA_UNICODE: Adjuster = { validFirst: isLetter, validNext: (c) => isLetter(c) || c === DOT || isDigit(c), unicode: true };
const FIELD_AVRO: Adjuster = { validFirst: (c) => isLetter(c) || c === UNDERSCORE, validNext: (c) => isLetter(c) || c === UNDERSCORE || isDigit(c), unicode: false };
const FIELD_UNICODE: Adjuster = { validFirst: isLetter, validNext: (c) => isLetter(c) || isDigit(c), unicode: true };

/** Debezium's schema name adjuster for `schema.name.adjustment.mode` (applied to the full dotted name). */
export function adjustSchemaName(name: string, mode: NameAdjustmentMode): string {
  return mode === 'none' ? name : adjust(name, mode === 'avro' ? SCHEMA_AVRO : SCHEMA_UNICODE);
}

/** Debezium's field name adjuster for `field.name.adjustment.mode`. */
export function adjustFieldName(name: string, mode: NameAdjustmentMode): string {
  return mode === 'none' ? name : adjust(name, mode === 'avro' ? FIELD_AVRO : FIELD_UNICODE);
}

/** Java's `URLEncoder.encode(s, "UTF-8")`: unreserved `A-Za-z0-9.-*_` stay, space is `+`, the rest `%XX` per byte. */
function javaUrlEncode(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9.*_-]/.test(ch)) out += ch;
    else if (byte === 32) out += '+';
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** Confluent AvroData's `scrub.invalid.names` for one name part. */
export function scrubName(name: string): string {
  if (name === '' || isValidAvroName(name)) return name;
  let encoded = javaUrlEncode(name);
  if (isDigit(encoded.charCodeAt(0))) encoded = 'x' + encoded;
  return encoded.replace(/[^A-Za-z0-9_]/g, '_');
}
