/**
 * The type catalog (pg_type + pg_enum) as `PgType`s, so that a pgoutput Relation message (type oids only)
 * maps like a snapshot column does. Loaded once; a type oid we have not seen (a type created after start)
 * or a changed enum triggers a reload of just those oids.
 */
import type { PgClient } from '../../src/db/postgres.js';
import type { PgType } from '../../schemas/postgres/index.js';

interface TypeRow {
  oid: number;
  typname: string;
  typtype: string;
  typelem: number;
  typbasetype: number;
  typtypmod: number;
  enum_values: string[] | null;
}

const SELECT_TYPES = `
  SELECT t.oid::int8 AS oid, t.typname, t.typtype, t.typelem::int8 AS typelem, t.typbasetype::int8 AS typbasetype, t.typtypmod,
         CASE WHEN t.typtype = 'e' THEN
           (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid)
         END AS enum_values
    FROM pg_type t`;

export interface TypeRegistry {
  get(oid: number): PgType | undefined;
  /** Makes sure these oids (and the types they refer to) are loaded; `refresh` reloads them (enum labels may change). */
  ensure(client: PgClient, oids: readonly number[], refresh?: boolean): Promise<void>;
}

export async function loadTypeRegistry(client: PgClient): Promise<TypeRegistry> {
  const rows = new Map<number, TypeRow>();
  const built = new Map<number, PgType>();

  const ingest = (list: TypeRow[]): void => {
    for (const r of list) {
      const row = { ...r, oid: Number(r.oid), typelem: Number(r.typelem), typbasetype: Number(r.typbasetype) };
      rows.set(row.oid, row);
      built.delete(row.oid);
    }
    // Arrays/domains referring to refreshed types are rebuilt lazily too.
    for (const [oid, t] of built) {
      if ((t.element && !built.has(t.element.oid)) || (t.base && !built.has(t.base.oid))) built.delete(oid);
    }
  };

  const build = (oid: number, depth = 0): PgType | undefined => {
    const done = built.get(oid);
    if (done) return done;
    const r = rows.get(oid);
    if (!r || depth > 16) return undefined;
    const t: PgType = { oid, name: r.typname, kind: r.typtype as PgType['kind'] };
    // An array type: typelem set and a varlena whose name starts with '_' (fixed-size types like point also have typelem).
    if (r.typelem !== 0 && r.typname.startsWith('_')) t.element = build(r.typelem, depth + 1);
    if (r.typtype === 'd' && r.typbasetype !== 0) {
      t.base = build(r.typbasetype, depth + 1);
      t.baseTypeMod = r.typtypmod;
    }
    if (r.typtype === 'e') t.enumValues = parseEnumValues(r.enum_values);
    built.set(oid, t);
    return t;
  };

  ingest((await client.query(SELECT_TYPES)).rows as TypeRow[]);

  return {
    get: (oid) => build(oid),
    async ensure(c, oids, refresh = false) {
      const wanted = refresh ? [...oids] : oids.filter((oid) => !rows.has(oid));
      if (wanted.length === 0) return;
      const res = await c.query(`${SELECT_TYPES} WHERE t.oid = ANY($1::oid[]) OR t.oid IN (SELECT typelem FROM pg_type WHERE oid = ANY($1::oid[]))
                                    OR t.oid IN (SELECT typbasetype FROM pg_type WHERE oid = ANY($1::oid[]))`, [wanted]);
      ingest(res.rows as TypeRow[]);
    },
  };
}

function parseEnumValues(v: string[] | string | null): string[] {
  if (v === null) return [];
  if (Array.isArray(v)) return v;
  // node-postgres returns text[] parsed; keep a fallback for a raw literal.
  const inner = v.replace(/^\{|\}$/g, '');
  return inner === '' ? [] : inner.split(',').map((s) => s.replace(/^"|"$/g, ''));
}
