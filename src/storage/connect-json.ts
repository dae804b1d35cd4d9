/**
 * JSON exactly as Kafka Connect's internal JsonConverter (schemas.enable=false) writes it through Jackson:
 * compact, object keys in the map's iteration order, control characters and UTF-16 surrogates escaped with
 * upper-case hex (other non-ASCII as raw UTF-8), integers
 * as integers and other numbers in Java's Double.toString form. Connect finds offsets by the key's exact bytes,
 * so these details matter.
 *
 * Reading keeps integers beyond 2^53 exact (as bigint): Connect offsets hold Java longs (LSNs, positions).
 */

const HEX = '0123456789ABCDEF';
const SHORT_ESCAPES: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r', 34: '\\"', 92: '\\\\' };
// eslint-disable-next-line no-control-regex
// Jackson's UTF-8 generator also escapes both halves of surrogate pairs (e.g. emoji → \uD83D\uDE00).
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

export function writeJsonString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const short = SHORT_ESCAPES[c];
    if (short !== undefined) out += short;
    else if (c < 0x20 || (c >= 0xd800 && c <= 0xdfff)) out += `\\u${HEX[c >> 12]}${HEX[(c >> 8) & 15]}${HEX[(c >> 4) & 15]}${HEX[c & 15]}`;
    else out += s[i];
  }
  return out + '"';
}

/** Java's Double.toString for a finite non-integer, e.g. 0.5, 1.0E-5, 1.2345678E7. */
function javaDouble(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(n);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exp] = n.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exp.startsWith('+') ? exp.slice(1) : exp}`;
}

function writeNumber(n: number): string {
  if (!Number.isFinite(n)) return writeJsonString(String(n === Infinity ? 'Infinity' : n === -Infinity ? '-Infinity' : 'NaN'));
  if (Number.isInteger(n)) return Math.abs(n) < 1e21 ? n.toFixed(0) : javaDouble(n);
  return javaDouble(n);
}

/** Serialises plain data (objects, Maps, arrays, strings, numbers, bigints, booleans, null, Buffers as base64). */
export function writeJson(value: unknown): string {
  switch (typeof value) {
    case 'string': return writeJsonString(value);
    case 'number': return writeNumber(value);
    case 'bigint': return value.toString();
    case 'boolean': return value ? 'true' : 'false';
    case 'undefined': return 'null';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map(writeJson).join(',')}]`;
      if (value instanceof Uint8Array) return `"${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')}"`;
      const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
      let out = '{';
      for (let i = 0; i < entries.length; i++) {
        const [k, v] = entries[i]!;
        if (i > 0) out += ',';
        out += `${writeJsonString(String(k))}:${writeJson(v)}`;
      }
      return out + '}';
    }
    default:
      throw new TypeError(`Cannot write ${typeof value} as JSON`);
  }
}

/** Canonical form for looking up equal maps regardless of key order (not for writing to Kafka). */
export function sortedJson(value: unknown): string {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return writeJson(value);
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  const entries = (value instanceof Map ? [...value.entries()] : Object.entries(value)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${writeJsonString(String(k))}:${sortedJson(v)}`).join(',')}}`;
}

const LONG_INTEGER = /\d{16,}/;

/** Parses JSON; integers outside ±2^53 become bigint so they survive a round trip unchanged. */
export function parseJson(text: string): unknown {
  if (!LONG_INTEGER.test(text)) return JSON.parse(text);
  return new PreciseParser(text).parseDocument();
}

class PreciseParser {
  private i = 0;
  constructor(private readonly s: string) {}

  parseDocument(): unknown {
    const v = this.value();
    this.ws();
    if (this.i !== this.s.length) this.fail();
    return v;
  }

  private fail(): never {
    throw new SyntaxError(`Invalid JSON at position ${this.i}`);
  }

  private ws(): void {
    while (this.i < this.s.length && ' \t\n\r'.includes(this.s[this.i]!)) this.i++;
  }

  private value(): unknown {
    this.ws();
    const c = this.s[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.s.startsWith(word, this.i)) { this.i += word.length; return v; }
    }
    return this.fail();
  }

  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.i++;
    this.ws();
    if (this.s[this.i] === '}') { this.i++; return out; }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail();
      const key = this.string();
      this.ws();
      if (this.s[this.i++] !== ':') this.fail();
      Object.defineProperty(out, key, { value: this.value(), enumerable: true, writable: true, configurable: true });
      this.ws();
      const c = this.s[this.i++];
      if (c === '}') return out;
      if (c !== ',') this.fail();
    }
  }

  private array(): unknown[] {
    const out: unknown[] = [];
    this.i++;
    this.ws();
    if (this.s[this.i] === ']') { this.i++; return out; }
    for (;;) {
      out.push(this.value());
      this.ws();
      const c = this.s[this.i++];
      if (c === ']') return out;
      if (c !== ',') this.fail();
    }
  }

  private string(): string {
    const start = this.i;
    this.i++;
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === '\\') this.i += 2;
      else if (c === '"') { this.i++; return JSON.parse(this.s.slice(start, this.i)) as string; }
      else this.i++;
    }
    return this.fail();
  }

  private number(): number | bigint {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.s.slice(this.i, this.i + 400));
    if (!m) this.fail();
    this.i += m[0].length;
    if (m[2] === undefined && m[3] === undefined) {
      const n = Number(m[0]);
      return Number.isSafeInteger(n) ? n : BigInt(m[0]);
    }
    return Number(m[0]);
  }
}

/**
 * A Connect topic record with a string key and a JSON value (null for a tombstone); undefined when the key is
 * missing or the value is not JSON, which Connect logs and skips, so one bad record cannot stop a worker.
 */
export function readKeyedJson(rawKey: Buffer | null, rawValue: Buffer | null): { key: string; value: unknown } | undefined {
  if (rawKey === null) return undefined;
  if (rawValue === null) return { key: rawKey.toString('utf8'), value: null };
  try {
    return { key: rawKey.toString('utf8'), value: parseJson(rawValue.toString('utf8')) };
  } catch {
    return undefined;
  }
}
