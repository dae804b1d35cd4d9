import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseJson, sortedJson, writeJson, writeJsonString } from '../../../../src/storage/connect-json.js';

// Expected strings were produced by Jackson 2.17 ObjectMapper.writeValueAsBytes on JsonNodes, the path Connect's
// JsonConverter takes with schemas.enable=false.
test('strings are escaped as Jackson does: short escapes, upper-case \\u00XX, surrogates escaped, other non-ASCII raw', () => {
  assert.equal(writeJsonString('conn\u0001\u001f\t\n"\\/é\u2028😀'), '"conn\\u0001\\u001F\\t\\n\\"\\\\/é\u2028\\uD83D\\uDE00"');
  assert.equal(writeJsonString('plain'), '"plain"');
});

test('numbers: integers stay integers, other doubles in Java Double.toString form', () => {
  const written = writeJson({ i: 5, l: 9007199254740993n, d1: 0.5, d2: 1e-5, d3: 12345678.5, d7: 0.001, d8: -2.5e-4, neg: -42 });
  assert.equal(written, '{"i":5,"l":9007199254740993,"d1":0.5,"d2":1.0E-5,"d3":1.23456785E7,"d7":0.001,"d8":-2.5E-4,"neg":-42}');
});

test('compact output, keys in insertion order, Maps, arrays, null, booleans, Buffers as base64', () => {
  const m = new Map<string, unknown>([['z', 1], ['a', [true, null]]]);
  assert.equal(writeJson(['x', { server: 'db1', b: false, m, bin: Buffer.from([1, 2, 3, 255]) }]),
    '["x",{"server":"db1","b":false,"m":{"z":1,"a":[true,null]},"bin":"AQID/w=="}]');
});

test('parseJson keeps longs beyond 2^53 exact and round-trips them byte for byte', () => {
  const text = '{"lsn":18446744073709551615,"small":12,"txId":9007199254740993,"f":1.5,"s":"9999999999999999999"}';
  const parsed = parseJson(text) as Record<string, unknown>;
  assert.equal(parsed.lsn, 18446744073709551615n);
  assert.equal(parsed.small, 12);
  assert.equal(parsed.s, '9999999999999999999');
  assert.equal(writeJson(parsed), text);
});

test('parseJson rejects malformed input in both paths', () => {
  assert.throws(() => parseJson('{"a":'));
  assert.throws(() => parseJson('{"a":12345678901234567890'));
  assert.throws(() => parseJson('[12345678901234567890] x'));
});

test('sortedJson is independent of key order', () => {
  assert.equal(sortedJson({ b: 1, a: { d: 2, c: 3 } }), sortedJson({ a: { c: 3, d: 2 }, b: 1 }));
  assert.notEqual(sortedJson({ a: 1 }), sortedJson({ a: '1' }));
});
