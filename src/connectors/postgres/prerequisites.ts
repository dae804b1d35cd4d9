/**
 * Server prerequisites, checked by `validate` and at task start, each failure with the fix in words:
 * reachable with these credentials, wal_level=logical, REPLICATION (or superuser), a publication we may use,
 * and a slot nobody else is reading.
 */
import type { PgClient } from '../../db/postgres.js';
import {
  readPublication, readSlot, translatePgError, withClient, type PgConnectionConfig,
} from '../../../binlog/postgres/index.js';
import { CdcError, SourcePrerequisiteError } from '../../errors/index.js';
import type { PgConnectorSettings } from './config.js';
import { checkSignalTable, parseSignalTable } from './signal-table.js';

export interface PrerequisiteProblem {
  /** The config key the problem is reported under in Connect's validate response. */
  key: string;
  error: CdcError;
}

export async function checkWalLevel(client: PgClient): Promise<void> {
  const level = String((await client.query('SHOW wal_level')).rows[0]?.wal_level ?? '');
  if (level !== 'logical') {
    throw new SourcePrerequisiteError('PG_WAL_LEVEL',
      `PostgreSQL has wal_level=${level}; logical decoding needs wal_level=logical.`,
      'Set wal_level = logical in postgresql.conf (or ALTER SYSTEM SET wal_level = logical) and restart PostgreSQL.');
  }
}

export async function checkReplicationRole(client: PgClient, user: string): Promise<{ superuser: boolean }> {
  const r = (await client.query('SELECT rolreplication, rolsuper FROM pg_roles WHERE rolname = current_user')).rows[0] as
    { rolreplication: boolean; rolsuper: boolean } | undefined;
  if (!r?.rolreplication && !r?.rolsuper) {
    throw new SourcePrerequisiteError('PG_REPLICATION_PRIVILEGE',
      `User "${user}" has neither the REPLICATION attribute nor superuser, so it cannot use logical replication.`,
      `Run ALTER ROLE "${user}" WITH REPLICATION (as a superuser), or connect as a user that has it.`);
  }
  return { superuser: r.rolsuper };
}

export async function checkPublication(client: PgClient, s: PgConnectorSettings, superuser: boolean): Promise<void> {
  const pub = await readPublication(client, s.publicationName);
  const user = s.connection.user;
  if (!pub) {
    if (s.publicationAutocreateMode === 'disabled') {
      throw new SourcePrerequisiteError('PG_PUBLICATION_MISSING',
        `Publication "${s.publicationName}" does not exist and publication.autocreate.mode=disabled.`,
        `Create it (CREATE PUBLICATION "${s.publicationName}" FOR TABLE ...) with the tables to capture, or set publication.autocreate.mode=filtered or all_tables.`);
    }
    if (s.publicationAutocreateMode === 'all_tables' && !superuser) {
      throw new SourcePrerequisiteError('PG_PUBLICATION_PRIVILEGE',
        `Publication "${s.publicationName}" does not exist, and creating it FOR ALL TABLES needs a superuser; "${user}" is not one.`,
        `Create the publication as a superuser (CREATE PUBLICATION "${s.publicationName}" FOR ALL TABLES), or set publication.autocreate.mode=filtered so the connector creates it for the captured tables it owns.`);
    }
    return;
  }
  if (s.publicationAutocreateMode === 'filtered' && pub.owner !== user && !superuser) {
    throw new SourcePrerequisiteError('PG_PUBLICATION_OWNER',
      `Publication "${s.publicationName}" is owned by "${pub.owner}", not by the connector user "${user}", so its table list cannot be updated for publication.autocreate.mode=filtered.`,
      `Make the connector user own it (ALTER PUBLICATION "${s.publicationName}" OWNER TO "${user}"), or set publication.autocreate.mode=disabled and keep the publication's table list up to date yourself.`);
  }
}

export async function checkSlot(client: PgClient, s: PgConnectorSettings): Promise<void> {
  const slot = await readSlot(client, s.slotName);
  if (!slot) return;
  if (slot.plugin !== 'pgoutput') {
    throw new SourcePrerequisiteError('PG_SLOT_PLUGIN',
      `Replication slot "${s.slotName}" exists but uses the ${slot.plugin} plugin, not pgoutput.`,
      `Drop it (SELECT pg_drop_replication_slot('${s.slotName}')) if nothing else uses it, or set slot.name to another slot.`);
  }
  if (slot.database !== s.connection.database) {
    throw new SourcePrerequisiteError('PG_SLOT_DATABASE',
      `Replication slot "${s.slotName}" belongs to database "${slot.database}", not "${s.connection.database}".`,
      'Set slot.name to a slot of this database (slots are per database), e.g. a new name.');
  }
  if (slot.active) {
    // The connector's own running task (validate during a config update) is not "another client".
    const holder = slot.activePid === null ? null
      : ((await client.query('SELECT application_name FROM pg_stat_activity WHERE pid = $1', [slot.activePid])).rows[0]?.application_name as string | undefined);
    if (holder !== undefined && holder !== null && holder === s.connection.applicationName) return;
    throw new SourcePrerequisiteError('PG_SLOT_IN_USE',
      `Replication slot "${s.slotName}" is in use by another client (PID ${slot.activePid ?? 'unknown'}).`,
      `Stop that client (or another connector using the same slot.name), or give this connector its own slot.name.`);
  }
}

/** Runs the checks a streaming connector needs; returns problems instead of throwing (validate). */
export async function findProblems(s: PgConnectorSettings, opts: { streaming: boolean; checkSlotInUse: boolean }): Promise<PrerequisiteProblem[]> {
  const problems: PrerequisiteProblem[] = [];
  const conn: PgConnectionConfig = s.connection;
  try {
    await withClient(conn, 'validating the connection', async (client) => {
      if (!opts.streaming) return;
      const steps: Array<[string, () => Promise<unknown>]> = [];
      let superuser = false;
      steps.push(['plugin.name', () => checkWalLevel(client)]);
      steps.push(['database.user', async () => { superuser = (await checkReplicationRole(client, conn.user)).superuser; }]);
      steps.push(['publication.name', () => checkPublication(client, s, superuser)]);
      if (opts.checkSlotInUse) steps.push(['slot.name', () => checkSlot(client, s)]);
      steps.push(['signal.data.collection', async () => {
        const table = parseSignalTable(s.signals.dataCollection);
        if (!table) return;
        // filtered adds it to the publication at start, and a publication yet to be created FOR ALL TABLES covers it.
        const checkPublished = s.publicationAutocreateMode !== 'filtered' && (await readPublication(client, s.publicationName)) !== null;
        await checkSignalTable(client, table, checkPublished ? s.publicationName : null);
      }]);
      for (const [key, step] of steps) {
        try {
          await step();
        } catch (err) {
          problems.push({ key, error: translatePgError(err, { action: 'validating prerequisites', user: conn.user, database: conn.database }) });
        }
      }
    });
  } catch (err) {
    const e = translatePgError(err, { action: 'connecting', user: conn.user, database: conn.database });
    const key = e.code === 'PG_AUTH_FAILED' ? 'database.password' : e.code === 'PG_DATABASE_MISSING' ? 'database.dbname'
      : e.code === 'PG_TLS_FAILED' ? 'database.sslmode' : 'database.hostname';
    problems.push({ key, error: e });
  }
  return problems;
}
