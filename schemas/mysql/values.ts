/** Value conversions specific to MySQL/MariaDB. Pure; no I/O. */

/** BIGINT UNSIGNED with `bigint.unsigned.handling.mode=long`: as Java's long, values above 2^63-1 wrap. */
export function bigintUnsignedToLong(v: unknown): number | bigint {
  if (typeof v === 'number') return v;
  const b = BigInt.asIntN(64, BigInt(v as string));
  return b >= -9007199254740991n && b <= 9007199254740991n ? Number(b) : b;
}

/** MariaDB UUID/INET values arrive as text from queries and as raw bytes from binlog metadata. */
export function formatUuid(b: Buffer): string {
  const h = b.toString('hex').padEnd(32, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function formatInet4(b: Buffer): string {
  return `${b[0] ?? 0}.${b[1] ?? 0}.${b[2] ?? 0}.${b[3] ?? 0}`;
}

/** RFC 5952 text as MariaDB prints INET6 (IPv4-mapped and -compatible addresses in dotted form). */
export function formatInet6(raw: Buffer): string {
  const b = raw.length >= 16 ? raw : Buffer.concat([raw, Buffer.alloc(16 - raw.length)]);
  if (b.subarray(0, 10).every((x) => x === 0)) {
    if (b[10] === 0xff && b[11] === 0xff) return `::ffff:${formatInet4(b.subarray(12))}`;
    if (b[10] === 0 && b[11] === 0 && b.readUInt32BE(12) > 1) return `::${formatInet4(b.subarray(12))}`;
  }
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i));
  let bestStart = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = (g: number) => g.toString(16);
  if (bestStart < 0) return groups.map(hex).join(':');
  return `${groups.slice(0, bestStart).map(hex).join(':')}::${groups.slice(bestStart + bestLen).map(hex).join(':')}`;
}
