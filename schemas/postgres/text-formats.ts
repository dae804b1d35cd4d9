/**
 * Parsers for PostgreSQL text output that has no equivalent elsewhere: array literals, hstore, bytea,
 * money and points. Inputs are what the server prints (pgoutput and `pg` in text mode alike).
 */
import { invalidValue } from '../errors.js';

/**
 * An array literal (`{1,NULL,"a \"b\""}`, nested `{{1,2},{3,4}}`, optional bounds prefix `[0:1]=`) → its
 * elements in row-major order, flattened; NULL → null. `delimiter` is `;` for box, `,` otherwise.
 */
export function parseArrayLiteral(text: string, delimiter = ','): Array<string | null> {
  let i = 0;
  if (text.charCodeAt(0) === 91 /* [ */) {
    i = text.indexOf('=');
    if (i < 0) throw invalidValue('Array', 'a PostgreSQL array literal');
    i++;
  }
  if (text.charCodeAt(i) !== 123 /* { */) throw invalidValue('Array', 'a PostgreSQL array literal');
  const out: Array<string | null> = [];
  const delim = delimiter.charCodeAt(0);
  const n = text.length;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 123 /* { */ || c === 125 /* } */ || c === delim || c === 32) continue;
    if (c === 34 /* " */) {
      let s = '';
      let start = ++i;
      for (; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) {
          s += text.slice(start, i) + text[i + 1];
          i++;
          start = i + 1;
        } else if (d === 34) break;
      }
      out.push(s + text.slice(start, i));
      continue;
    }
    const start = i;
    while (i < n) {
      const d = text.charCodeAt(i);
      if (d === delim || d === 125) break;
      i++;
    }
    const raw = text.slice(start, i).trimEnd();
    out.push(raw === 'NULL' ? null : raw);
    i--;
  }
  return out;
}

/** hstore text (`"a"=>"1", "b"=>NULL`) → entries in the printed order. */
export function parseHstore(text: string): Array<[string, string | null]> {
  const out: Array<[string, string | null]> = [];
  const n = text.length;
  let i = 0;
  const skipSpace = (): void => {
    while (i < n && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 44)) i++;
  };
  const token = (): string | null => {
    if (text.charCodeAt(i) !== 34) {
      // Unquoted (only NULL is printed unquoted by the server).
      const start = i;
      while (i < n && text.charCodeAt(i) !== 44 && text.charCodeAt(i) !== 32 && text.charCodeAt(i) !== 61) i++;
      const raw = text.slice(start, i);
      return raw.toUpperCase() === 'NULL' ? null : raw;
    }
    let s = '';
    let start = ++i;
    for (; i < n; i++) {
      const d = text.charCodeAt(i);
      if (d === 92) {
        s += text.slice(start, i) + text[i + 1];
        i++;
        start = i + 1;
      } else if (d === 34) break;
    }
    s += text.slice(start, i);
    i++;
    return s;
  };
  skipSpace();
  while (i < n) {
    const key = token();
    if (key === null) throw invalidValue('hstore', 'an hstore literal');
    while (i < n && text.charCodeAt(i) === 32) i++;
    if (text.charCodeAt(i) !== 61 || text.charCodeAt(i + 1) !== 62) throw invalidValue('hstore', 'an hstore literal');
    i += 2;
    while (i < n && text.charCodeAt(i) === 32) i++;
    out.push([key, token()]);
    skipSpace();
  }
  return out;
}

/** bytea text: hex format (`\x0aff`, the default `bytea_output`) or the legacy escape format. */
export function parseBytea(text: string): Buffer {
  if (text.charCodeAt(0) === 92 && text.charCodeAt(1) === 120 /* \x */) return Buffer.from(text.slice(2), 'hex');
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 92) {
      bytes.push(c);
    } else if (text.charCodeAt(i + 1) === 92) {
      bytes.push(92);
      i++;
    } else {
      bytes.push(parseInt(text.slice(i + 1, i + 4), 8));
      i += 3;
    }
  }
  return Buffer.from(bytes);
}

/**
 * money text (`$1,234.56`, `-$1,234.56`, `($1,234.56)`, locale symbols) → plain decimal text `-1234.56`.
 * Assumes `.` as the decimal point, as in the C and English locales PostgreSQL is usually run with.
 */
export function parseMoney(text: string): string {
  let negative = false;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 48 && c <= 57) || c === 46) out += text[i];
    else if (c === 45 || c === 40 /* ( */) negative = true;
  }
  if (out === '') throw invalidValue('money', 'a money amount');
  return negative ? '-' + out : out;
}

/** point text `(x,y)` → coordinates. */
export function parsePoint(text: string): [number, number] {
  const comma = text.indexOf(',');
  const x = Number(text.slice(1, comma));
  const y = Number(text.slice(comma + 1, text.length - 1));
  if (comma < 0 || Number.isNaN(x) || Number.isNaN(y)) throw invalidValue('point', 'a point (x,y)');
  return [x, y];
}
