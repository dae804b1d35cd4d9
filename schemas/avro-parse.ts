/**
 * An Avro schema (JSON) as a resolved tree: named types looked up with Avro's namespace rules, so a writer can
 * be compiled against a schema from the registry (`use.latest.version`) as well as against our own.
 */
export type AvroPrimitive = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';

export interface AvroField { name: string; type: AvroType; default?: unknown }

export type AvroType =
  | { kind: AvroPrimitive }
  | { kind: 'record'; fullName: string; fields: AvroField[] }
  | { kind: 'enum'; fullName: string; symbols: string[] }
  | { kind: 'fixed'; fullName: string; size: number }
  | { kind: 'array'; items: AvroType }
  | { kind: 'map'; values: AvroType }
  | { kind: 'union'; branches: AvroType[] };

const PRIMITIVES = new Set<string>(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

export class AvroSchemaParseError extends Error {}

export function parseAvroSchema(json: unknown): AvroType {
  return parse(json, null, new Map());
}

function fullNameOf(name: string, namespace: string | null): string {
  return name.includes('.') || !namespace ? name : `${namespace}.${name}`;
}

function parse(json: unknown, namespace: string | null, named: Map<string, AvroType>): AvroType {
  if (typeof json === 'string') {
    if (PRIMITIVES.has(json)) return { kind: json as AvroPrimitive };
    const found = named.get(fullNameOf(json, namespace)) ?? named.get(json);
    if (!found) throw new AvroSchemaParseError(`Unknown type '${json}'`);
    return found;
  }
  if (Array.isArray(json)) return { kind: 'union', branches: json.map((b) => parse(b, namespace, named)) };
  if (json === null || typeof json !== 'object') throw new AvroSchemaParseError(`Not a schema: ${JSON.stringify(json)}`);
  const o = json as Record<string, unknown>;
  const type = o['type'];
  switch (type) {
    case 'record': case 'error': case 'enum': case 'fixed': {
      const fullName = fullNameOf(String(o['name']), typeof o['namespace'] === 'string' && o['namespace'] !== '' ? o['namespace'] : namespace);
      const inner = fullName.includes('.') ? fullName.slice(0, fullName.lastIndexOf('.')) : null;
      if (type === 'enum') return define(named, fullName, { kind: 'enum', fullName, symbols: (o['symbols'] as string[]) ?? [] });
      if (type === 'fixed') return define(named, fullName, { kind: 'fixed', fullName, size: Number(o['size']) });
      const record: AvroType & { kind: 'record' } = { kind: 'record', fullName, fields: [] };
      define(named, fullName, record); // before the fields: they may refer to it
      for (const f of (o['fields'] as Record<string, unknown>[]) ?? []) {
        const field: AvroField = { name: String(f['name']), type: parse(f['type'], inner, named) };
        if ('default' in f) field.default = f['default'];
        record.fields.push(field);
      }
      return record;
    }
    case 'array': return { kind: 'array', items: parse(o['items'], namespace, named) };
    case 'map': return { kind: 'map', values: parse(o['values'], namespace, named) };
    default: return parse(type, namespace, named);
  }
}

function define(named: Map<string, AvroType>, fullName: string, t: AvroType): AvroType {
  if (named.has(fullName)) throw new AvroSchemaParseError(`Type '${fullName}' is defined twice`);
  named.set(fullName, t);
  return t;
}
