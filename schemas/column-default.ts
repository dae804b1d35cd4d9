/**
 * Column defaults as Debezium puts them into the Connect schema (`"default": …`): a literal default is converted
 * like a value of the column; a current-time function (CURRENT_TIMESTAMP, now(), …) becomes the epoch; any
 * other expression (a sequence, a function) and a NULL default give no default.
 */

/** What a default expression means for the schema: a literal's text, "now" (the epoch), or nothing. */
export type DefaultLiteral = { kind: 'text'; text: string } | { kind: 'now' } | null;

const NOW = /^(current_timestamp|now|localtimestamp|current_date|current_time|localtime|curdate|curtime|sysdate|utc_timestamp)\b(\s*\(\s*\d*\s*\))?$/i;

/** Unquotes a SQL string literal (`'it''s'` → `it's`); MySQL's backslash escapes too when `backslashes`. */
function unquote(s: string, backslashes: boolean): string | null {
  if (s.length < 2 || s[0] !== "'" || s[s.length - 1] !== "'") return null;
  let body = s.slice(1, -1).replace(/''/g, "'");
  if (backslashes) body = body.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r', '0': '\0', Z: '\x1a' } as Record<string, string>)[c] ?? c);
  return body;
}

/**
 * INFORMATION_SCHEMA.COLUMNS.COLUMN_DEFAULT: MariaDB quotes literals (`'hello'`, numbers bare) and writes `NULL`
 * for an explicit NULL default; MySQL gives the literal unquoted and marks expressions DEFAULT_GENERATED.
 */
export function mysqlDefault(columnDefault: string | null | undefined, generated = false): DefaultLiteral {
  if (columnDefault === null || columnDefault === undefined) return null;
  const t = columnDefault.trim();
  if (NOW.test(t)) return { kind: 'now' };
  if (generated) return null;
  const quoted = unquote(t, true);
  if (quoted !== null) return { kind: 'text', text: quoted };
  if (/^null$/i.test(t)) return null;
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return { kind: 'text', text: t };
  // MariaDB writes other expressions bare (e.g. `uuid()`); MySQL writes unquoted literals bare
  return /\(.*\)$/.test(t) ? null : { kind: 'text', text: t };
}

/** `pg_get_expr(adbin, adrelid)`: `42`, `'-7'::bigint`, `'hello'::character varying`, `now()`, `nextval('s'::regclass)`. */
export function postgresDefault(expr: string | null | undefined): DefaultLiteral {
  if (expr === null || expr === undefined) return null;
  let t = expr.trim();
  // Casts, possibly nested: `'x'::text`, `('x'::text)::character varying`, `'-7'::bigint`
  for (let m; (m = /^(\(.*\)|'(?:[^']|'')*'|[^:'()]+)::[^':()]+(\(\d+(,\s*\d+)?\))?(\[\])*$/.exec(t)); ) {
    t = m[1]!.trim();
    if (t.startsWith('(') && t.endsWith(')')) t = t.slice(1, -1).trim();
  }
  if (NOW.test(t) || /^(transaction_timestamp|statement_timestamp|clock_timestamp)\(\)$/i.test(t)) return { kind: 'now' };
  const quoted = unquote(t, false);
  if (quoted !== null) return { kind: 'text', text: quoted };
  if (/^(true|false)$/i.test(t)) return { kind: 'text', text: t.toLowerCase() === 'true' ? 't' : 'f' };
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return { kind: 'text', text: t };
  return null;
}

/**
 * The Connect default of a column: the literal (or, for "now", `epochText`, the column type's epoch as text) read
 * by the column's own encoder. Undefined when there is none, or when the encoder cannot read the text (Debezium
 * too leaves such a default out).
 */
export function connectDefault(d: DefaultLiteral, epochText: string | undefined, encode: (text: string) => unknown): unknown {
  if (d === null) return undefined;
  const text = d.kind === 'now' ? epochText : d.text;
  if (text === undefined) return undefined;
  try {
    const v = encode(text);
    return v === null ? undefined : v;
  } catch {
    return undefined;
  }
}
