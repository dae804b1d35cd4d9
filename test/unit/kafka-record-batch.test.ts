import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32c } from '../../src/kafka/crc32c.js';
import { encodeRecordBatch } from '../../src/kafka/record-batch.js';
import { SplicedBytes } from '../../schemas/index.js';

test('a record batch has the v2 layout Kafka validates: header fields, CRC-32C of attributes..end, varint records', async () => {
  const batch = await encodeRecordBatch({
    firstTimestamp: 1000, maxTimestamp: 1005, producerId: { value: 7n }, producerEpoch: 1, firstSequence: 3, lastOffsetDelta: 1,
    records: [
      { key: Buffer.from('k'), value: 'vv', headers: { h: 'x' }, offsetDelta: 0, timestampDelta: 0 },
      { key: null, value: null, offsetDelta: 1, timestampDelta: 5 },
    ],
  });
  const records = Buffer.from([
    0x1a, 0x00, 0x00, 0x00, 0x02, 0x6b, 0x04, 0x76, 0x76, 0x02, 0x02, 0x68, 0x02, 0x78, // key 'k', value 'vv', header h=x
    0x0c, 0x00, 0x0a, 0x02, 0x01, 0x01, 0x00, // null key and value (tombstone), timestamp +5, offset +1
  ]);
  assert.equal(batch.length, 61 + records.length);
  assert.equal(batch.readBigInt64BE(0), 0n, 'first offset');
  assert.equal(batch.readInt32BE(8), batch.length - 12, 'batch length');
  assert.equal(batch.readInt32BE(12), 0, 'partition leader epoch');
  assert.equal(batch.readInt8(16), 2, 'magic');
  assert.equal(batch.readUInt32BE(17), crc32c(batch.subarray(21)), 'crc');
  assert.equal(batch.readInt16BE(21), 0, 'attributes: no compression, not transactional');
  assert.equal(batch.readInt32BE(23), 1, 'last offset delta');
  assert.equal(batch.readBigInt64BE(27), 1000n);
  assert.equal(batch.readBigInt64BE(35), 1005n);
  assert.equal(batch.readBigInt64BE(43), 7n, 'producer id');
  assert.equal(batch.readInt16BE(51), 1, 'producer epoch');
  assert.equal(batch.readInt32BE(53), 3, 'first sequence');
  assert.equal(batch.readInt32BE(57), 2, 'record count');
  assert.deepEqual(batch.subarray(61), records);
});

test('a compressed batch carries the codec in its attributes and the compressed records after the count', async () => {
  const seen: Buffer[] = [];
  const batch = await encodeRecordBatch({ compression: 1, transactional: true, records: [{ key: null, value: Buffer.from('a') }] },
    async (raw) => { seen.push(raw); return Buffer.from('ZZ'); });
  assert.deepEqual(seen, [Buffer.from([0x0e, 0x00, 0x00, 0x00, 0x01, 0x02, 0x61, 0x00])]);
  assert.equal(batch.readInt16BE(21), 1 | 16);
  assert.equal(batch.readBigInt64BE(43), -1n, 'no producer id');
  assert.equal(batch.readInt32BE(57), 1);
  assert.deepEqual(batch.subarray(61), Buffer.from('ZZ'));
  assert.equal(batch.readUInt32BE(17), crc32c(batch.subarray(21)));
});

test('spliced values (shared head + text + shared tail) encode to the same bytes as the equivalent Buffers', async () => {
  const head = Buffer.from('{"schema":{"type":"struct"},"payload":');
  const tail = Buffer.from('}');
  const texts = ['{"id":1}', '{"name":"Zoë ☃ 𝄞"}', '', 'x'.repeat(300)];
  const spliced = texts.map((t, i) => ({ key: Buffer.from([i]), value: new SplicedBytes(head, t, Buffer.byteLength(t), tail), offsetDelta: i, timestampDelta: i }));
  const plain = texts.map((t, i) => ({ key: Buffer.from([i]), value: Buffer.concat([head, Buffer.from(t), tail]), offsetDelta: i, timestampDelta: i }));
  for (const [s, p] of spliced.map((r, i) => [r.value, plain[i]!.value] as const)) {
    assert.equal(s.length, p.length);
    assert.deepEqual(s.toBuffer(), p);
    assert.equal(s.toString(), p.toString());
  }
  const fields = { firstTimestamp: 1, maxTimestamp: 4, lastOffsetDelta: 3 };
  assert.deepEqual(await encodeRecordBatch({ ...fields, records: spliced }), await encodeRecordBatch({ ...fields, records: plain }));
});
