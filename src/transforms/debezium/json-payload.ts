/**
 * The outbox router's `table.expand.json.payload`: a payload column holding JSON text becomes a struct whose schema
 * is inferred from the document, as Debezium's JsonSchemaData infers it (with Jackson's number kinds):
 *  - strings, booleans → optional string / boolean; integers → optional int32, or int64 beyond int32's range;
 *    numbers written with a fraction or exponent → optional float64;
 *  - objects → optional structs named by their path from the payload column (`payload`, `payload.address`);
 *  - arrays → optional arrays of their first non-null element's schema (object elements' fields are merged); an
 *    empty array, and a null (unless `table.json.payload.null.behavior=optional_bytes`), leave the field out.
 * Only an object expands. Text that is not JSON, a top-level array, an integer beyond int64, mixed element types,
 * or values that do not fit the merged schema leave the payload as it is, as Debezium does (it logs a warning).
 * One difference: an int32-sized integer is accepted in a field inferred as int64 from an earlier array element,
 * where Debezium's Struct validation gives up on the whole payload.
 *
 * Equal inferred schemas are one object (interned by their JSON form), so converters and the router's own caches
 * see the same schema for documents of the same shape.
 */
import type { ConnectField, ConnectSchema } from '../../../schemas/index.js';
import { arrayOf, boolean, bytes, field, float64, int32, int64, string, struct, toInt64 } from '../../../schemas/index.js';

type Kind = 'int' | 'long' | 'double';

/** A number as Jackson reads it: its kind follows from how it is written. */
class JsonNumber {
  constructor(readonly kind: Kind, readonly value: number | bigint) {}
}

type Node = string | boolean | null | JsonNumber | Node[] | { [k: string]: Node };

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

class NotExpandable extends Error {}

function numberOf(source: string): JsonNumber {
  if (/[.eE]/.test(source)) return new JsonNumber('double', Number(source));
  const n = BigInt(source);
  if (n >= INT32_MIN && n <= INT32_MAX) return new JsonNumber('int', Number(n));
  if (n >= INT64_MIN && n <= INT64_MAX) return new JsonNumber('long', toInt64(n));
  // Jackson reads it as a BigInteger, which no inferred schema holds.
  throw new NotExpandable(`integer ${source} is beyond int64`);
}

function parse(text: string): Node {
  const reviver = (_key: string, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' ? numberOf(context?.source ?? String(value)) : value;
  return JSON.parse(text, reviver as (this: unknown, key: string, value: unknown) => unknown) as Node;
}

const kindOf = (n: Node) =>
  n === null ? 'null' : n instanceof JsonNumber ? 'number' : Array.isArray(n) ? 'array' : typeof n === 'object' ? 'object' : typeof n;

export interface ExpandedPayload {
  schema: ConnectSchema;
  value: Record<string, unknown>;
}

const interned = new Map<string, ConnectSchema>();

function intern(schema: ConnectSchema): ConnectSchema {
  const key = JSON.stringify(schema);
  const known = interned.get(key);
  if (known !== undefined) return known;
  if (interned.size >= 1000) interned.clear();
  interned.set(key, schema);
  return schema;
}

function inferer(nullsAsBytes: boolean) {
  function schemaOf(name: string | null, node: Node): ConnectSchema | null {
    if (node === null) return nullsAsBytes ? bytes({ optional: true }) : null;
    if (typeof node === 'string') return string({ optional: true });
    if (typeof node === 'boolean') return boolean({ optional: true });
    if (node instanceof JsonNumber) return node.kind === 'int' ? int32({ optional: true }) : node.kind === 'long' ? int64({ optional: true }) : float64({ optional: true });
    if (Array.isArray(node)) return node.length === 0 ? null : arrayOf(elementSchema(name, node), { optional: true });
    const fields: ConnectField[] = [];
    for (const [k, v] of Object.entries(node)) {
      const s = schemaOf(name ? `${name}.${k}` : k, v);
      if (s !== null) fields.push(field(k, s));
    }
    return struct(fields, name ? { optional: true, name } : { optional: true });
  }

  function elementSchema(name: string | null, nodes: Node[]): ConnectSchema {
    const present = nodes.filter((n) => n !== null);
    const sample = present[0] ?? null;
    for (const n of present) {
      if (kindOf(n) !== kindOf(sample)) throw new NotExpandable('array elements of different types');
      if (n instanceof JsonNumber && n.kind !== (sample as JsonNumber).kind) throw new NotExpandable('array numbers of different kinds');
    }
    if (sample !== null && kindOf(sample) === 'object') {
      let merged: ConnectSchema | null = null;
      for (const n of present) merged = merge(merged, schemaOf(name, n)!);
      return merged!;
    }
    const s = schemaOf(null, sample);
    if (s === null) throw new NotExpandable('array without elements of a known type');
    return s;
  }

  return schemaOf;
}

/** Object elements of one array: the union of their fields, a bytes (null) field giving way to a typed one. */
function merge(left: ConnectSchema | null, right: ConnectSchema): ConnectSchema {
  if (left === null) return right;
  const fields = new Map((left.fields ?? []).map((f) => [f.field, f]));
  for (const f of right.fields ?? []) {
    const old = fields.get(f.field);
    if (old === undefined || (old.type === 'bytes' && f.type !== 'bytes')) fields.set(f.field, f);
  }
  return { ...left, fields: [...fields.values()] };
}

/** The node as a value of `schema`; throws when it does not fit (Connect's Struct validation). */
function valueOf(node: Node, schema: ConnectSchema): unknown {
  if (node === null) return null;
  switch (schema.type) {
    case 'string': if (typeof node === 'string') return node; break;
    case 'boolean': if (typeof node === 'boolean') return node; break;
    case 'int32': if (node instanceof JsonNumber && node.kind === 'int') return node.value; break;
    case 'int64': if (node instanceof JsonNumber && node.kind !== 'double') return node.value; break;
    case 'float64': if (node instanceof JsonNumber && node.kind === 'double') return node.value; break;
    case 'array': if (Array.isArray(node)) return node.map((n) => valueOf(n, schema.items!)); break;
    case 'struct':
      if (kindOf(node) === 'object') {
        const obj = node as Record<string, Node>;
        const out: Record<string, unknown> = {};
        for (const f of schema.fields ?? []) out[f.field] = f.field in obj ? valueOf(obj[f.field]!, f) : null;
        return out;
      }
      break;
  }
  throw new NotExpandable(`a ${kindOf(node)} does not fit ${schema.type}`);
}

/** The payload text as a struct, or null when it does not expand (see the module comment). */
export function expandJsonPayload(text: string, rootName: string, nullsAsBytes: boolean): ExpandedPayload | null {
  if (!text.startsWith('{')) return null;
  try {
    const doc = parse(text);
    const inferred = inferer(nullsAsBytes)(rootName, doc);
    if (inferred === null || kindOf(doc) !== 'object') return null;
    const schema = intern(inferred);
    return { schema, value: valueOf(doc, schema) as Record<string, unknown> };
  } catch (err) {
    if (err instanceof NotExpandable || err instanceof SyntaxError) return null;
    throw err;
  }
}
