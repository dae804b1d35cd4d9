/**
 * Checks an offset a user wants to set (PATCH /connectors/{name}/offsets) against the server: the binlog file
 * must still exist and the position lie within it, and the GTIDs must not be purged. A connector moved to a
 * position the server no longer has would only fail with POSITION_LOST on resume; refusing it up front says so
 * while the user can still pick another one.
 */
import type { ConfigValue, SourceOffset, SourcePartition } from '../../connect-api/index.js';
import { CdcError } from '../../errors/index.js';
import { mysqlSettings } from './config.js';
import { decodeOffset, OffsetFormatError } from './offsets.js';
import { serverInfo, withServer, type Query } from './server.js';

interface BinlogFile { name: string; size: number }

/** `d-s-n,…` → highest seq per domain (MariaDB GTID positions). */
export function mariaDbGtidsByDomain(gtids: string): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const part of gtids.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\d+)-(\d+)-(\d+)$/.exec(part);
    if (!m) throw new OffsetFormatError(`"gtids" part "${part}" is not a MariaDB GTID (domain-server-sequence)`);
    const seq = BigInt(m[3]!);
    if ((out.get(m[1]!) ?? -1n) < seq) out.set(m[1]!, seq);
  }
  return out;
}

/**
 * MariaDB resumes after a GTID position, which needs every event after it: available when, per domain, the
 * position is not older than the GTID state at the start of the oldest binlog file still on the server.
 */
export function purgedMariaDbDomains(wanted: string, oldestState: string): string[] {
  const oldest = mariaDbGtidsByDomain(oldestState);
  const out: string[] = [];
  for (const [domain, seq] of mariaDbGtidsByDomain(wanted)) {
    const first = oldest.get(domain);
    if (first !== undefined && seq < first) out.push(`domain ${domain} at sequence ${seq}, but the oldest binlog starts after ${first}`);
  }
  return out;
}

async function checkOne(q: Query, flavour: string, files: BinlogFile[], raw: SourceOffset): Promise<string[]> {
  let offset;
  try {
    offset = decodeOffset(raw);
  } catch (err) {
    return [err instanceof CdcError ? err.message : String(err)];
  }
  const { file, pos, gtids } = offset.position;
  const problems: string[] = [];
  const found = files.find((f) => f.name === file);
  const available = files.length > 0 ? `the server has ${files[0]!.name} to ${files[files.length - 1]!.name}` : 'the server has no binlog files';
  if (!found) problems.push(`binlog file ${file} is not on the server (purged or never existed; ${available})`);
  else if (pos > found.size) problems.push(`position ${pos} is beyond the end of ${file} (${found.size} bytes)`);
  if (gtids !== null) {
    if (flavour === 'mariadb') {
      const oldest = files[0] ? (await q<{ g: string | null }>('SELECT BINLOG_GTID_POS(?, 4) AS g', [files[0].name]))[0]?.g ?? '' : '';
      for (const p of purgedMariaDbDomains(gtids, oldest)) problems.push(`GTID position ${gtids} was purged: ${p}`);
    } else {
      const rows = await q<{ ok: number }>('SELECT GTID_SUBSET(@@GLOBAL.gtid_purged, ?) AS ok', [gtids]);
      if (Number(rows[0]?.ok) !== 1) problems.push(`GTID set ${gtids} lacks transactions the server has purged (gtid_purged)`);
    }
  }
  return problems;
}

/** The ConnectorPlugin.validateOffsets hook of the MySQL/MariaDB connectors. */
export async function validateMySqlOffsets(
  settings: Readonly<Record<string, ConfigValue>>,
  offsets: ReadonlyArray<{ partition: SourcePartition; offset: SourceOffset | null }>,
): Promise<string[]> {
  const given = offsets.filter((e): e is { partition: SourcePartition; offset: SourceOffset } => e.offset !== null);
  if (given.length === 0) return [];
  const s = mysqlSettings(settings, '');
  try {
    return await withServer(s.connection, 'checking the offsets against the binlog', async (q) => {
      const { flavour } = await serverInfo(q);
      const files = (await q<{ Log_name: string; File_size: number | string }>('SHOW BINARY LOGS'))
        .map((r) => ({ name: r.Log_name, size: Number(r.File_size) }));
      const problems: string[] = [];
      for (const e of given) problems.push(...await checkOne(q, flavour, files, e.offset));
      return problems;
    });
  } catch (err) {
    return [`the position cannot be checked: ${err instanceof CdcError ? err.message : String(err)}`];
  }
}
