import assert from 'node:assert/strict';
import { test } from 'node:test';
import { murmur2, partitionForKey } from '../../../../src/kafka/murmur2.js';

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
