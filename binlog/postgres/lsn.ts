/**
 * PostgreSQL log sequence numbers. An LSN is a 64-bit byte position in the WAL, printed as two hex halves
 * `XXXXXXXX/YYYYYYYY`. pg-logical-replication prints them unpadded in its `data` events and padded inside
 * decoded messages, so textual comparison is wrong: every comparison here is on the 64-bit value.
 */
export type Lsn = bigint;

export const INVALID_LSN: Lsn = 0n;

const LSN_TEXT = /^([0-9a-fA-F]{1,8})\/([0-9a-fA-F]{1,8})$/;

/** Parses `X/Y` (either half padded or not). Throws on anything else. */
export function parseLsn(text: string): Lsn {
  const m = LSN_TEXT.exec(text);
  if (!m) throw new TypeError(`Not a PostgreSQL LSN: ${JSON.stringify(text)}`);
  return (BigInt(`0x${m[1]}`) << 32n) | BigInt(`0x${m[2]}`);
}

/** Formats as PostgreSQL does (`pg_lsn` output): upper-case hex, halves unpadded. */
export function formatLsn(lsn: Lsn): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

/** Reads the 8-byte big-endian LSN at `offset`. */
export function readLsn(buf: Buffer, offset: number): Lsn {
  return buf.readBigUInt64BE(offset);
}

export function maxLsn(a: Lsn, b: Lsn): Lsn {
  return a > b ? a : b;
}

/**
 * As a JSON number for offsets (Debezium stores LSNs as Java longs). Exact below 2^53 bytes of WAL (8 PiB),
 * which no server reaches; beyond that the offset would round, so we refuse rather than lose a position.
 */
export function lsnToNumber(lsn: Lsn): number {
  if (lsn > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`LSN ${formatLsn(lsn)} is beyond 2^53 and cannot be stored exactly`);
  return Number(lsn);
}

/** From an offset value: a number (as written by us/Debezium), a bigint, or `X/Y` text. */
export function lsnFromOffsetValue(value: unknown): Lsn | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'string') return value.includes('/') ? parseLsn(value) : /^\d+$/.test(value) ? BigInt(value) : null;
  return null;
}
