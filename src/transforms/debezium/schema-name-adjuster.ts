/**
 * Debezium's `schema.name.adjustment.mode`: schema names made from topic names may hold characters Avro does not
 * allow in a full name. `avro` replaces each with `_` (a leading digit is kept after the `_`, so `1x` and `2x` stay
 * apart); `avro_unicode` replaces each with `_uXXXX` (and `_` itself, the escape character); `none` leaves names
 * as they are.
 */
export type SchemaNameAdjustmentMode = 'none' | 'avro' | 'avro_unicode';

export const SCHEMA_NAME_ADJUSTMENT_MODES: readonly SchemaNameAdjustmentMode[] = ['none', 'avro', 'avro_unicode'];

const isLetter = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isDigit = (c: string) => c >= '0' && c <= '9';

function unicodeEscape(c: string): string {
  const hex = c.charCodeAt(0).toString(16);
  return '_u' + (hex.length <= 2 ? '00' + hex : hex);
}

export function schemaNameAdjuster(mode: SchemaNameAdjustmentMode): (name: string) => string {
  if (mode === 'none') return (name) => name;
  const unicode = mode === 'avro_unicode';
  const validFirst = unicode ? isLetter : (c: string) => c === '_' || isLetter(c);
  const validNext = (c: string) => c === '.' || validFirst(c) || isDigit(c);
  const replace = unicode ? unicodeEscape : () => '_';
  return (name) => {
    let out = '';
    // UTF-16 code units, as Java's charAt walks the name.
    for (let i = 0; i < name.length; i++) {
      const c = name[i]!;
      if (i === 0 ? validFirst(c) : validNext(c)) out += c;
      else out += replace(c) + (i === 0 && !unicode && isDigit(c) ? c : '');
    }
    return out;
  };
}
