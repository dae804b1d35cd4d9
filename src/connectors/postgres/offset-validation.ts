/**
 * Checks an offset a user wants to set (PATCH /connectors/{name}/offsets) against the replication slot.
 *
 * A logical slot never goes back: PostgreSQL streams from the slot's `confirmed_flush_lsn` whatever earlier
 * start point is asked for, and WAL before it is not decoded again. So an LSN before the slot's confirmed
 * position (or the slot missing) is a position the server no longer has, and is refused; a position after the
 * server's current WAL end does not exist yet. Moving forward (skipping changes) is accepted.
 */
import type { ConfigValue, SourceOffset, SourcePartition } from '../../connect-api/index.js';
import { CdcError } from '../../errors/index.js';
import { formatLsn, parseLsn, readSlot, withClient, type Lsn } from '../../../binlog/postgres/index.js';
import { pgSettings } from './config.js';
import { decodeOffset } from './offsets.js';

export interface SlotBounds {
  slot: string;
  /** Null when the slot does not exist. */
  confirmedFlush: Lsn | null;
  currentWalEnd: Lsn;
}

/** Problems with one offset given the slot's bounds (pure). */
export function offsetProblems(raw: SourceOffset, bounds: SlotBounds | null): string[] {
  const o = decodeOffset(raw);
  if (!o) return ['the offset has no usable "lsn" (a number, as GET /connectors/{name}/offsets shows it)'];
  if (bounds === null) return []; // snapshot.mode=initial_only reads no slot
  const problems: string[] = [];
  if (bounds.confirmedFlush === null) {
    return [`replication slot "${bounds.slot}" does not exist (or lost its WAL), so no position can be resumed from; DELETE the offsets instead to start over with a snapshot`];
  }
  if (o.lsnProc < bounds.confirmedFlush) {
    problems.push(`LSN ${formatLsn(o.lsnProc)} is before the replication slot "${bounds.slot}" position ${formatLsn(bounds.confirmedFlush)}: PostgreSQL no longer decodes WAL before a slot's confirmed position`);
  }
  if (o.lsnProc > bounds.currentWalEnd) {
    problems.push(`LSN ${formatLsn(o.lsnProc)} is beyond the server's current WAL end ${formatLsn(bounds.currentWalEnd)}`);
  }
  return problems;
}

/** The ConnectorPlugin.validateOffsets hook of the PostgreSQL connector. */
export async function validatePgOffsets(
  settings: Readonly<Record<string, ConfigValue>>,
  offsets: ReadonlyArray<{ partition: SourcePartition; offset: SourceOffset | null }>,
): Promise<string[]> {
  const given = offsets.filter((e): e is { partition: SourcePartition; offset: SourceOffset } => e.offset !== null);
  if (given.length === 0) return [];
  const s = pgSettings(settings);
  if (s.snapshotMode === 'initial_only') return given.flatMap((e) => offsetProblems(e.offset, null));
  let bounds: SlotBounds;
  try {
    bounds = await withClient(s.connection, `reading replication slot "${s.slotName}"`, async (client) => {
      const slot = await readSlot(client, s.slotName);
      const end = (await client.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]!.lsn;
      const usable = slot !== null && slot.walStatus !== 'lost';
      return { slot: s.slotName, confirmedFlush: usable ? slot.confirmedFlushLsn : null, currentWalEnd: parseLsn(end) };
    });
  } catch (err) {
    return [`the position cannot be checked: ${err instanceof CdcError ? err.message : String(err)}`];
  }
  return given.flatMap((e) => offsetProblems(e.offset, bounds));
}
