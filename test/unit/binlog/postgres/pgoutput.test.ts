import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createPgOutputDecoder, formatLsn, lsnFromOffsetValue, lsnToNumber, parseLsn, UNCHANGED_TOAST,
} from '../../../../binlog/postgres/index.js';

/** Builds pgoutput message bytes the way the server lays them out. */
function msg(parts: Array<['u8' | 'i16' | 'i32' | 'i64', number | bigint] | ['str', string] | ['raw', Buffer]>): Buffer {
  const chunks: Buffer[] = [];
  for (const [kind, v] of parts) {
    if (kind === 'u8') chunks.push(Buffer.from([Number(v)]));
    else if (kind === 'i16') { const b = Buffer.alloc(2); b.writeInt16BE(Number(v)); chunks.push(b); }
    else if (kind === 'i32') { const b = Buffer.alloc(4); b.writeInt32BE(Number(v)); chunks.push(b); }
    else if (kind === 'i64') { const b = Buffer.alloc(8); b.writeBigInt64BE(BigInt(v)); chunks.push(b); }
    else if (kind === 'str') chunks.push(Buffer.from(`${v}\0`, 'utf8'));
    else chunks.push(v as Buffer);
  }
  return Buffer.concat(chunks);
}
const ch = (c: string): ['u8', number] => ['u8', c.charCodeAt(0)];
const text = (s: string): Array<['u8', number] | ['i32', number] | ['raw', Buffer]> => {
  const b = Buffer.from(s, 'utf8');
  return [ch('t'), ['i32', b.length], ['raw', b]];
};

const relation = msg([
  ch('R'), ['i32', 16385], ['str', 'public'], ['str', 'orders'], ch('d'), ['i16', 3],
  ['u8', 1], ['str', 'id'], ['i32', 23], ['i32', -1],
  ['u8', 0], ['str', 'note'], ['i32', 25], ['i32', -1],
  ['u8', 0], ['str', 'amount'], ['i32', 1700], ['i32', (10 << 16 | 2) + 4],
]);

describe('LSNs', () => {
  it('parses padded and unpadded text to the same 64-bit value and formats like pg_lsn', () => {
    assert.equal(parseLsn('16/B374D848'), parseLsn('00000016/B374D848'));
    assert.equal(parseLsn('16/B374D848'), (0x16n << 32n) | 0xb374d848n);
    assert.equal(formatLsn(parseLsn('0000000A/0000F000')), 'A/F000');
    // Textual order would put 9/... after 10/...; numeric order does not.
    assert.ok(parseLsn('9/FFFFFFFF') < parseLsn('10/0'));
    assert.throws(() => parseLsn('garbage'));
  });

  it('round-trips through offset numbers', () => {
    const lsn = parseLsn('1A/2B3C4D5E');
    assert.equal(lsnFromOffsetValue(lsnToNumber(lsn)), lsn);
    assert.equal(lsnFromOffsetValue('1A/2B3C4D5E'), lsn);
    assert.equal(lsnFromOffsetValue(null), null);
  });
});

describe('pgoutput decoder', () => {
  it('decodes begin/relation/insert/commit', () => {
    const d = createPgOutputDecoder();
    const begin = d.decode(msg([ch('B'), ['i64', 0x1_0000_0100n], ['i64', 1_000_000n], ['i32', 777]]));
    assert.deepEqual(begin, { tag: 'begin', finalLsn: 0x1_0000_0100n, commitTimeMicros: 946_684_801_000_000, xid: 777 });
    const rel = d.decode(relation);
    assert.equal(rel.tag, 'relation');
    if (rel.tag !== 'relation') return;
    assert.deepEqual(rel.relation.columns.map((c) => [c.name, c.isKey, c.typeOid, c.typeMod]),
      [['id', true, 23, -1], ['note', false, 25, -1], ['amount', false, 1700, (10 << 16 | 2) + 4]]);
    const ins = d.decode(msg([ch('I'), ['i32', 16385], ch('N'), ['i16', 3], ...text('42'), ...text('héllo'), ch('n')]));
    assert.deepEqual(ins, { tag: 'insert', relation: rel.relation, after: ['42', 'héllo', null] });
    const commit = d.decode(msg([ch('C'), ['u8', 0], ['i64', 0x1_0000_0100n], ['i64', 0x1_0000_0180n], ['i64', 2n]]));
    assert.deepEqual(commit, { tag: 'commit', commitLsn: 0x1_0000_0100n, endLsn: 0x1_0000_0180n, commitTimeMicros: 946_684_800_000_002 });
  });

  it('marks unchanged TOAST values and keeps key-only and full old images apart', () => {
    const d = createPgOutputDecoder();
    d.decode(relation);
    const upd = d.decode(msg([ch('U'), ['i32', 16385], ch('K'), ['i16', 3], ...text('1'), ch('n'), ch('n'),
      ch('N'), ['i16', 3], ...text('2'), ch('u'), ...text('3.50')]));
    assert.equal(upd.tag, 'update');
    if (upd.tag !== 'update') return;
    assert.equal(upd.beforeIsKey, true);
    assert.deepEqual(upd.before, ['1', null, null]);
    assert.deepEqual(upd.after, ['2', UNCHANGED_TOAST, '3.50']);

    const plain = d.decode(msg([ch('U'), ['i32', 16385], ch('N'), ['i16', 3], ...text('2'), ...text('x'), ch('n')]));
    assert.equal(plain.tag === 'update' && plain.before, null);

    const del = d.decode(msg([ch('D'), ['i32', 16385], ch('O'), ['i16', 3], ...text('2'), ...text('x'), ch('n')]));
    assert.deepEqual(del.tag === 'delete' && [del.beforeIsKey, del.before], [false, ['2', 'x', null]]);
  });

  it('decodes truncate with its options and refuses changes for unknown relations', () => {
    const d = createPgOutputDecoder();
    d.decode(relation);
    const t = d.decode(msg([ch('T'), ['i32', 1], ['u8', 3], ['i32', 16385]]));
    assert.equal(t.tag, 'truncate');
    assert.deepEqual(t.tag === 'truncate' && [t.cascade, t.restartIdentity, t.relations.map((r) => r.table)], [true, true, ['orders']]);
    assert.throws(() => d.decode(msg([ch('I'), ['i32', 999], ch('N'), ['i16', 0]])), /relation 999/);
  });

  it('does not keep references to the input buffer', () => {
    const d = createPgOutputDecoder();
    d.decode(relation);
    const buf = msg([ch('I'), ['i32', 16385], ch('N'), ['i16', 3], ...text('7'), ...text('abc'), ch('n')]);
    const ins = d.decode(buf);
    buf.fill(0);
    assert.deepEqual(ins.tag === 'insert' && ins.after, ['7', 'abc', null]);
  });
});
