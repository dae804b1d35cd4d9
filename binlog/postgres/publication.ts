/**
 * The publication pgoutput reads through: created/updated according to `publication.autocreate.mode`,
 * checked for ownership so that a publication owned by someone else fails with a fix instead of a bare
 * "must be owner" later.
 */
import type { PgClient } from '../../src/db/postgres.js';
import { SourcePrerequisiteError } from '../../src/errors/index.js';

export type PublicationAutocreateMode = 'all_tables' | 'filtered' | 'disabled' | 'no_tables';

export interface PublicationInfo {
  name: string;
  owner: string;
  allTables: boolean;
  tables: string[];
}

const quoteIdent = (s: string): string => `"${s.replace(/"/g, '""')}"`;

export async function readPublication(client: PgClient, name: string): Promise<PublicationInfo | null> {
  const res = await client.query(
    `SELECT p.pubname, pg_get_userbyid(p.pubowner) AS owner, p.puballtables,
            COALESCE((SELECT array_agg(quote_ident(t.schemaname) || '.' || quote_ident(t.tablename) ORDER BY 1)
                        FROM pg_publication_tables t WHERE t.pubname = p.pubname), '{}') AS tables
       FROM pg_publication p WHERE p.pubname = $1`,
    [name],
  );
  const r = res.rows[0] as { pubname: string; owner: string; puballtables: boolean; tables: string[] | string } | undefined;
  if (!r) return null;
  const tables = Array.isArray(r.tables) ? r.tables : parseTextArray(r.tables);
  return { name: r.pubname, owner: r.owner, allTables: r.puballtables, tables };
}

function parseTextArray(s: string): string[] {
  const inner = s.replace(/^\{|\}$/g, '');
  return inner === '' ? [] : inner.split(',').map((x) => x.replace(/^"|"$/g, '').replace(/\\"/g, '"'));
}

export interface EnsurePublicationOptions {
  name: string;
  mode: PublicationAutocreateMode;
  /** Captured tables (filtered mode): schema and table names, unquoted. */
  tables: ReadonlyArray<{ schema: string; table: string }>;
  user: string;
}

/** Makes the publication match the mode; returns what it did, for the log. */
export async function ensurePublication(client: PgClient, opts: EnsurePublicationOptions): Promise<string> {
  const existing = await readPublication(client, opts.name);
  const tableList = opts.tables.map((t) => `${quoteIdent(t.schema)}.${quoteIdent(t.table)}`);
  const fixOwner = `Make the connector user own it (ALTER PUBLICATION ${quoteIdent(opts.name)} OWNER TO ${quoteIdent(opts.user)}), or set publication.autocreate.mode=disabled and keep the publication's table list up to date yourself.`;

  if (existing) {
    if (opts.mode !== 'filtered') return `using existing publication "${opts.name}"`;
    const wanted = [...tableList].sort();
    const have = [...existing.tables].sort();
    if (!existing.allTables && wanted.length === have.length && wanted.every((t, i) => t === have[i])) {
      return `publication "${opts.name}" already covers the captured tables`;
    }
    if (existing.owner !== opts.user && !(await isSuperuser(client))) {
      throw new SourcePrerequisiteError('PG_PUBLICATION_OWNER',
        `Publication "${opts.name}" is owned by "${existing.owner}", not by the connector user "${opts.user}", so its table list cannot be updated for publication.autocreate.mode=filtered.`,
        fixOwner);
    }
    if (existing.allTables) {
      throw new SourcePrerequisiteError('PG_PUBLICATION_ALL_TABLES',
        `Publication "${opts.name}" publishes ALL TABLES, but publication.autocreate.mode=filtered needs a table list.`,
        `Drop the publication (DROP PUBLICATION ${quoteIdent(opts.name)}) so the connector recreates it, use another publication.name, or set publication.autocreate.mode=all_tables.`);
    }
    if (tableList.length > 0) {
      await client.query(`ALTER PUBLICATION ${quoteIdent(opts.name)} SET TABLE ${tableList.join(', ')}`);
    } else {
      await client.query(`ALTER PUBLICATION ${quoteIdent(opts.name)} DROP TABLE ${existing.tables.join(', ')}`);
    }
    return `updated publication "${opts.name}" to ${tableList.length} table(s)`;
  }

  switch (opts.mode) {
    case 'disabled':
      throw new SourcePrerequisiteError('PG_PUBLICATION_MISSING',
        `Publication "${opts.name}" does not exist and publication.autocreate.mode=disabled.`,
        `Create it (CREATE PUBLICATION ${quoteIdent(opts.name)} FOR TABLE ...) with the tables to capture, or set publication.autocreate.mode=filtered or all_tables.`);
    case 'all_tables':
      await client.query(`CREATE PUBLICATION ${quoteIdent(opts.name)} FOR ALL TABLES`);
      return `created publication "${opts.name}" FOR ALL TABLES`;
    case 'no_tables':
      await client.query(`CREATE PUBLICATION ${quoteIdent(opts.name)}`);
      return `created publication "${opts.name}" with no tables`;
    case 'filtered':
      await client.query(tableList.length > 0
        ? `CREATE PUBLICATION ${quoteIdent(opts.name)} FOR TABLE ${tableList.join(', ')}`
        : `CREATE PUBLICATION ${quoteIdent(opts.name)}`);
      return `created publication "${opts.name}" for ${tableList.length} table(s)`;
  }
}

async function isSuperuser(client: PgClient): Promise<boolean> {
  const res = await client.query(`SELECT rolsuper FROM pg_roles WHERE rolname = current_user`);
  return (res.rows[0] as { rolsuper: boolean } | undefined)?.rolsuper === true;
}
