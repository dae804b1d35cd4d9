/**
 * The connector's model of a PostgreSQL column type, built either from the catalog (snapshot discovery) or
 * from a pgoutput Relation message (type oid + typmod) plus the type catalog, so that snapshot and streaming
 * go through one type mapping.
 */

/** One row of pg_type as the mapping needs it. */
export interface PgType {
  oid: number;
  /** `pg_type.typname`, e.g. `int4`, `_text`, `hstore`, `mood`. */
  name: string;
  /** `pg_type.typtype`: b base, c composite, d domain, e enum, p pseudo, r range, m multirange. */
  kind: 'b' | 'c' | 'd' | 'e' | 'p' | 'r' | 'm';
  /** Array types: the element type. */
  element?: PgType;
  /** Domains: the base type (itself resolved) and the domain's own typmod (-1 if none). */
  base?: PgType;
  baseTypeMod?: number;
  /** Enums: labels in sort order. */
  enumValues?: readonly string[];
}

export interface PgColumn {
  name: string;
  /** The declared type (a domain stays a domain here; the mapping resolves it). */
  type: PgType;
  /** Type modifier of the column (-1 when none). */
  typeMod: number;
  optional: boolean;
}

/** A type with domains peeled off, and the effective typmod (a domain's typmod applies when the column has none). */
export function resolveDomain(type: PgType, typeMod: number): { type: PgType; typeMod: number } {
  let t = type;
  let mod = typeMod;
  for (let depth = 0; t.kind === 'd' && t.base && depth < 16; depth++) {
    if (mod < 0 && t.baseTypeMod !== undefined && t.baseTypeMod >= 0) mod = t.baseTypeMod;
    t = t.base;
  }
  return { type: t, typeMod: mod };
}

/** Modifiers decoded from a typmod, per type family (PostgreSQL's own encodings). */
export interface TypeModifiers {
  /** varchar/bpchar characters, bit/varbit bits. */
  length: number | null;
  /** numeric precision and scale; null when unconstrained. */
  precision: number | null;
  scale: number | null;
  /** Fractional second digits of time/timetz/timestamp/timestamptz/interval (6 when unconstrained). */
  timePrecision: number;
}

const VARHDRSZ = 4;
const TIME_TYPES = new Set(['time', 'timetz', 'timestamp', 'timestamptz']);

export function typeModifiers(typeName: string, typeMod: number): TypeModifiers {
  const out: TypeModifiers = { length: null, precision: null, scale: null, timePrecision: 6 };
  if (typeMod < 0) return out;
  switch (typeName) {
    case 'varchar':
    case 'bpchar':
      if (typeMod >= VARHDRSZ) out.length = typeMod - VARHDRSZ;
      break;
    case 'bit':
    case 'varbit':
      out.length = typeMod;
      break;
    case 'numeric': {
      const m = typeMod - VARHDRSZ;
      out.precision = (m >> 16) & 0xffff;
      // PostgreSQL 15 allows a negative scale: 11-bit two's complement in the low bits.
      out.scale = ((m & 0x7ff) ^ 1024) - 1024;
      break;
    }
    case 'interval': {
      const p = typeMod & 0xffff;
      out.timePrecision = p === 0xffff ? 6 : p;
      break;
    }
    default:
      if (TIME_TYPES.has(typeName)) out.timePrecision = typeMod;
  }
  return out;
}
