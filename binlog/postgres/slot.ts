/**
 * Replication slot handling: inspect, create (with an exported snapshot for the snapshot hand-off), drop,
 * and measure the WAL a slot holds back.
 */
import type { PgClient } from '../../src/db/postgres.js';
import { connectReplicationClient, type PgConnectionConfig } from './connection.js';
import { translatePgError } from './errors.js';
import { parseLsn, type Lsn } from './lsn.js';

export interface SlotInfo {
  name: string;
  plugin: string | null;
  slotType: string;
  database: string | null;
  active: boolean;
  activePid: number | null;
  confirmedFlushLsn: Lsn | null;
  restartLsn: Lsn | null;
  /** `reserved`, `extended`, `unreserved` or `lost` (PG ≥ 13); a lost slot cannot be read from any more. */
  walStatus: string | null;
}

export async function readSlot(client: PgClient, name: string): Promise<SlotInfo | null> {
  const res = await client.query(
    `SELECT slot_name, plugin, slot_type, database, active, active_pid,
            confirmed_flush_lsn::text AS confirmed_flush_lsn, restart_lsn::text AS restart_lsn,
            ${(await serverVersionNum(client)) >= 130000 ? 'wal_status' : 'NULL::text AS wal_status'}
       FROM pg_replication_slots WHERE slot_name = $1`,
    [name],
  );
  const r = res.rows[0] as Record<string, unknown> | undefined;
  if (!r) return null;
  return {
    name: r.slot_name as string,
    plugin: (r.plugin as string | null) ?? null,
    slotType: r.slot_type as string,
    database: (r.database as string | null) ?? null,
    active: r.active === true || r.active === 't',
    activePid: r.active_pid === null || r.active_pid === undefined ? null : Number(r.active_pid),
    confirmedFlushLsn: r.confirmed_flush_lsn ? parseLsn(r.confirmed_flush_lsn as string) : null,
    restartLsn: r.restart_lsn ? parseLsn(r.restart_lsn as string) : null,
    walStatus: (r.wal_status as string | null) ?? null,
  };
}

const versions = new WeakMap<PgClient, number>();
export async function serverVersionNum(client: PgClient): Promise<number> {
  const known = versions.get(client);
  if (known !== undefined) return known;
  const res = await client.query(`SELECT current_setting('server_version_num')::int AS v`);
  const v = Number((res.rows[0] as { v: number }).v);
  versions.set(client, v);
  return v;
}

export interface CreatedSlot {
  name: string;
  consistentPoint: Lsn;
  /** Exported snapshot name, valid while `release` has not been called. Null when not exported. */
  snapshotName: string | null;
  /** Closes the replication connection that keeps the exported snapshot alive. */
  release(): Promise<void>;
}

/**
 * `CREATE_REPLICATION_SLOT … LOGICAL pgoutput EXPORT_SNAPSHOT`. The snapshot stays importable (SET TRANSACTION
 * SNAPSHOT) until `release` is called, so call it once every snapshot reader has imported it.
 */
export async function createSlot(config: PgConnectionConfig, name: string, exportSnapshot: boolean): Promise<CreatedSlot> {
  const action = `creating replication slot "${name}"`;
  const client = await connectReplicationClient(config, action);
  try {
    const res = await client.query(
      `CREATE_REPLICATION_SLOT "${name.replace(/"/g, '""')}" LOGICAL pgoutput ${exportSnapshot ? 'EXPORT_SNAPSHOT' : 'NOEXPORT_SNAPSHOT'}`,
    );
    const row = res.rows[0] as { consistent_point: string; snapshot_name: string | null };
    const created: CreatedSlot = {
      name,
      consistentPoint: parseLsn(row.consistent_point),
      snapshotName: row.snapshot_name ?? null,
      release: async () => {
        await client.end().catch(() => {});
      },
    };
    if (!exportSnapshot) await created.release();
    return created;
  } catch (err) {
    await client.end().catch(() => {});
    throw translatePgError(err, { action, user: config.user, database: config.database, slot: name });
  }
}

/** Drops the slot if it exists; an active slot is retried briefly (a previous reader may still be exiting). */
export async function dropSlot(client: PgClient, name: string, attempts = 10, delayMs = 500): Promise<boolean> {
  for (let i = 0; ; i++) {
    const slot = await readSlot(client, name);
    if (!slot) return false;
    try {
      await client.query('SELECT pg_drop_replication_slot($1)', [name]);
      return true;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === '42704') return false;
      if (code !== '55006' || i + 1 >= attempts) throw translatePgError(err, { action: `dropping replication slot "${name}"`, slot: name });
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
}

/** WAL the slot keeps on the server, in bytes (`pg_current_wal_lsn() - restart_lsn`); null if unknown. */
export async function retainedWalBytes(client: PgClient, name: string): Promise<number | null> {
  const res = await client.query(
    `SELECT (pg_current_wal_lsn() - restart_lsn)::bigint::text AS retained FROM pg_replication_slots WHERE slot_name = $1`,
    [name],
  );
  const v = (res.rows[0] as { retained: string | null } | undefined)?.retained;
  return v === null || v === undefined ? null : Number(v);
}
