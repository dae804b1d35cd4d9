import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32c } from '../../src/kafka/crc32c.js';
import { murmur2, partitionForKey } from '../../src/kafka/murmur2.js';

test('murmur2 equals the Java client (Kafka UtilsTest vectors), so keys land on the partitions Java producers choose', () => {
  const cases: Array<[string, number]> = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];
  for (const [input, expected] of cases) assert.equal(murmur2(Buffer.from(input)), expected, input);
  assert.equal(partitionForKey(Buffer.from('foobar'), 6), (-790332482 & 0x7fffffff) % 6);
});

test('crc32c gives the CRC-32C check value and the same result aligned or not, whole words or tail bytes', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  assert.equal(crc32c(Buffer.alloc(0)), 0);
  assert.equal(crc32c(Buffer.alloc(32)), 0x8a9136aa);
  const data = Buffer.alloc(1000);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31 + 7) & 0xff;
  for (let start = 0; start < 8; start++) {
    for (const len of [0, 1, 7, 8, 9, 63, 64, 65, 79, 80, 95, 500]) {
      const slice = data.subarray(start, start + len);
      const copy = Buffer.alloc(len);
      slice.copy(copy);
      let bytewise = -1;
      for (const b of copy) {
        bytewise ^= b;
        for (let k = 0; k < 8; k++) bytewise = bytewise & 1 ? (bytewise >>> 1) ^ 0x82f63b78 : bytewise >>> 1;
      }
      const expected = (bytewise ^ -1) >>> 0;
      assert.equal(crc32c(slice), expected, `offset ${start} length ${len}`);
      assert.equal(crc32c(copy), expected, `aligned copy, length ${len}`);
    }
  }
});
