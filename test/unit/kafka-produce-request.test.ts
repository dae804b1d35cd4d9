import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeProduceRequest } from '../../src/kafka/produce-request.js';
import { encodeRecordBatch } from '../../src/kafka/record-batch.js';
import { encodeRequestFrame } from '../../src/kafka/request-frame.js';

const noCompression = async (): Promise<Buffer> => { throw new Error('not compressed'); };

test('a produce request carries acks, timeout and per topic/partition one record batch with offsets and timestamps relative to the first', async () => {
  const t0 = 1_795_400_000_000;
  const messages = [
    { key: Buffer.from('a'), value: Buffer.from('1'), timestamp: t0 + 7 },
    { key: Buffer.from('b'), value: null, timestamp: t0 },
  ];
  const body = await encodeProduceRequest({
    acks: -1, timeout: 30_000, producerId: 42, producerEpoch: 2,
    topicData: [{ topic: 'orders', partitions: [{ partition: 3, firstSequence: 10, messages }] }],
  }, noCompression);
  const expectedBatch = await encodeRecordBatch({
    firstTimestamp: t0, maxTimestamp: t0 + 7, producerId: 42, producerEpoch: 2, firstSequence: 10, lastOffsetDelta: 1,
    records: [
      { key: Buffer.from('a'), value: Buffer.from('1'), offsetDelta: 0, timestampDelta: 7 },
      { key: Buffer.from('b'), value: null, offsetDelta: 1, timestampDelta: 0 },
    ],
  }, noCompression);
  let o = 0;
  assert.equal(body.readInt16BE(o), -1, 'no transactional id'); o += 2;
  assert.equal(body.readInt16BE(o), -1, 'acks=all'); o += 2;
  assert.equal(body.readInt32BE(o), 30_000); o += 4;
  assert.equal(body.readInt32BE(o), 1, 'one topic'); o += 4;
  assert.equal(body.toString('utf8', o + 2, o + 2 + body.readInt16BE(o)), 'orders'); o += 2 + 6;
  assert.equal(body.readInt32BE(o), 1, 'one partition'); o += 4;
  assert.equal(body.readInt32BE(o), 3, 'partition'); o += 4;
  assert.equal(body.readInt32BE(o), expectedBatch.length); o += 4;
  assert.deepEqual(body.subarray(o), expectedBatch);
});

test('records without timestamps get the time of sending', async () => {
  const before = Date.now();
  const body = await encodeProduceRequest({
    acks: 1, timeout: 1000, topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ key: null, value: Buffer.from('x') }] }] }],
  }, noCompression);
  const batchStart = 2 + 2 + 4 + 4 + 2 + 1 + 4 + 4 + 4;
  const first = Number(body.readBigInt64BE(batchStart + 27));
  assert.ok(first >= before && first <= Date.now());
  assert.equal(body.readBigInt64BE(batchStart + 35), BigInt(first));
});

test('a framed produce request is the size, the header and the same body, encoded in one buffer', async () => {
  const t0 = 1_795_400_000_000;
  const fields = {
    acks: -1, timeout: 30_000, producerId: 7, producerEpoch: 0, transactionalId: null,
    topicData: [
      { topic: 'a.b.c', partitions: [{ partition: 0, firstSequence: 5, messages: [{ key: Buffer.from('k'), value: Buffer.from('v'.repeat(5000)), timestamp: t0 }] }] },
      { topic: 'ü', partitions: [{ partition: 2, messages: [{ key: null, value: null, timestamp: t0 + 1 }, { key: Buffer.from('x'), value: Buffer.from('y'), timestamp: t0 + 2 }] }] },
    ],
  };
  for (const clientId of ['tscdc-worker', null]) {
    const header = { apiKey: 0, apiVersion: 7, correlationId: 99, clientId };
    const framed = await encodeProduceRequest(fields, noCompression, header);
    const expected = encodeRequestFrame(header, await encodeProduceRequest(fields, noCompression));
    assert.deepEqual(framed, expected);
  }
});
