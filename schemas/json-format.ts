import type { ConnectSchema } from './connect-schema.js';

/**
 * Text forms byte-compatible with Kafka Connect's JsonConverter (Jackson defaults): strings escaped as Jackson
 * does, doubles and floats as Java's `Double.toString`/`Float.toString`, NaN/Infinity quoted.
 */
const JACKSON_ESCAPE = /\\(?:\\|u00([0-9a-f]{2}))/g;

function upperEscape(match: string, hex: string | undefined): string {
  return hex === undefined ? match : '\\u00' + hex.toUpperCase();
}

/** Characters JSON escapes: quote, backslash, controls, and (lone) surrogates, which JSON.stringify escapes. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
const CONTROL = /[\u0000-\u001f]/;

/** A JSON string literal. Jackson writes `\u001F` where JSON.stringify writes `\u001f`; everything else agrees. */
export function quote(s: string): string {
  // Most column values need no escaping; testing for it is about twice as fast as JSON.stringify.
  if (!NEEDS_ESCAPE.test(s)) return '"' + s + '"';
  const json = JSON.stringify(s);
  // Only control characters come out as \u00xx (quotes and backslashes, e.g. in PostgreSQL's source.sequence, do not).
  return CONTROL.test(s) ? json.replace(JACKSON_ESCAPE, upperEscape) : json;
}

function nonFinite(d: number): string {
  return d !== d ? '"NaN"' : d > 0 ? '"Infinity"' : '"-Infinity"';
}

/**
 * Java's `computerized scientific notation`: `1.0E10`, `1.2345E-5`. When one digit suffices, Java (JDK 19+) picks
 * the two-digit decimal closest to the value if it differs (`4.9E-324`, not `5.0E-324`).
 */
function javaScientific(d: number): string {
  let e = d.toExponential();
  if (e.indexOf('.') < 0) {
    const two = d.toExponential(1);
    if (+two === d) e = two;
  }
  const at = e.indexOf('e');
  let mantissa = e.slice(0, at);
  if (mantissa.indexOf('.') < 0) mantissa += '.0';
  const exp = e.charCodeAt(at + 1) === 43 /* + */ ? e.slice(at + 2) : e.slice(at + 1);
  return mantissa + 'E' + exp;
}

/** A float64 as Java's `Double.toString` (shortest round-trip digits, as JDK 19+). */
export function formatDouble(d: number): string {
  const a = d < 0 ? -d : d;
  if (a >= 1e-3 && a < 1e7) {
    const s = '' + d;
    return Number.isInteger(d) ? s + '.0' : s;
  }
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  if (a !== Infinity && d === d) return javaScientific(d);
  return nonFinite(d);
}

/** A float32 as Java's `Float.toString`: the shortest decimal that reads back as the same float. */
export function formatFloat(value: number): string {
  if (value !== value || value === Infinity || value === -Infinity) return nonFinite(value);
  const f = Math.fround(value);
  if (f === 0) return Object.is(f, -0) ? '-0.0' : '0.0';
  let shortest = f;
  for (let p = 1; p <= 9; p++) {
    const candidate = +f.toPrecision(p);
    if (Math.fround(candidate) === f) {
      // As in javaScientific: with one digit, the closest two-digit decimal wins (Float.MIN_VALUE is 1.4E-45).
      const two = p === 1 ? +f.toPrecision(2) : NaN;
      shortest = Math.fround(two) === f ? two : candidate;
      break;
    }
  }
  return formatDouble(shortest);
}

const TYPE_NAMES: Record<string, string> = { float32: 'float', float64: 'double' };

const schemaJsonCache = new WeakMap<ConnectSchema, string>();

/**
 * The schema as JsonConverter's `asJsonSchema` writes it: type, fields/items/keys+values, optional, name, version,
 * doc, parameters, default (and `field` last for struct fields). Cached per schema object.
 */
export function schemaJson(schema: ConnectSchema, writeDefault: (s: ConnectSchema) => string): string {
  let json = schemaJsonCache.get(schema);
  if (json === undefined) {
    json = buildSchemaJson(schema, writeDefault);
    schemaJsonCache.set(schema, json);
  }
  return json;
}

function buildSchemaJson(s: ConnectSchema, writeDefault: (s: ConnectSchema) => string): string {
  let out = '{"type":' + quote(TYPE_NAMES[s.type] ?? s.type);
  if (s.type === 'array') out += ',"items":' + schemaJson(required(s.items, 'items'), writeDefault);
  else if (s.type === 'map') {
    out += ',"keys":' + schemaJson(required(s.keys, 'keys'), writeDefault)
      + ',"values":' + schemaJson(required(s.values, 'values'), writeDefault);
  } else if (s.type === 'struct') {
    const fields = (s.fields ?? []).map((f) => {
      const inner = schemaJson(f, writeDefault);
      return inner.slice(0, -1) + ',"field":' + quote(f.field) + '}';
    });
    out += ',"fields":[' + fields.join(',') + ']';
  }
  out += ',"optional":' + (s.optional ? 'true' : 'false');
  if (s.name != null) out += ',"name":' + quote(s.name);
  if (s.version != null) out += ',"version":' + s.version;
  if (s.doc != null) out += ',"doc":' + quote(s.doc);
  if (s.parameters != null) {
    out += ',"parameters":{' + Object.entries(s.parameters).map(([k, v]) => quote(k) + ':' + quote(v)).join(',') + '}';
  }
  if (s.default != null) out += ',"default":' + writeDefault(s);
  return out + '}';
}

function required(schema: ConnectSchema | undefined, what: string): ConnectSchema {
  if (!schema) throw new TypeError(`Connect schema of type array/map is missing its ${what} schema`);
  return schema;
}
