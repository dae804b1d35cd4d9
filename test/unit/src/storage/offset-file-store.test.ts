import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CdcError } from '../../../../src/errors/index.js';
import { createLogger } from '../../../../src/logging/index.js';
import { createFileOffsetStore, parseOffsetFile, writeFileAtomically } from '../../../../src/storage/offset-file-store.js';

const root = mkdtempSync(join(tmpdir(), 'cdc-offset-file-'));
after(() => rmSync(root, { recursive: true, force: true }));
const logger = createLogger({ level: 'silent' });
let n = 0;
const freshFile = () => join(mkdtempSync(join(root, `t${n++}-`)), 'offsets.json');

async function started(file: string) {
  const store = createFileOffsetStore({ file, logger });
  await store.start();
  return store;
}

function assertCorrupt(err: unknown, file: string, pattern: RegExp): true {
  assert.ok(err instanceof CdcError, `expected CdcError, got ${String(err)}`);
  assert.equal(err.code, 'OFFSET_FILE_CORRUPT');
  assert.ok(err.message.includes(file), `message names the file: ${err.message}`);
  assert.match(err.message, pattern);
  assert.match(err.fix ?? '', /backup|move the file away/);
  return true;
}

test('round trip: offsets written are read back by a new store, exactly (long integers, key order), resets removed', async () => {
  const file = freshFile();
  const a = await started(file);
  assert.deepEqual(a.offsets('c1'), [], 'no file yet: no offsets');
  const big = 9007199254740993n; // beyond 2^53: must survive as is
  await a.write('c1', [{ partition: { server: 'db1' }, offset: { file: 'bin.000003', pos: 4, lsn: big } }]);
  await a.write('c2', [{ partition: { z: 1, a: 'x' }, offset: { n: 1 } }, { partition: { z: 2, a: 'x' }, offset: { n: 2 } }]);
  await a.write('c2', [{ partition: { a: 'x', z: 2 }, offset: null }]); // same partition, other key order: a reset
  await a.stop();

  const b = await started(file);
  assert.deepEqual(b.offsets('c1'), [{ partition: { server: 'db1' }, offset: { file: 'bin.000003', pos: 4, lsn: big } }]);
  assert.deepEqual(b.offsets('c2'), [{ partition: { z: 1, a: 'x' }, offset: { n: 1 } }]);
  assert.deepEqual(b.offset('c1', { server: 'db1' }), { file: 'bin.000003', pos: 4, lsn: big });
  assert.equal(b.offset('c1', { server: 'other' }), null);
  // The offsets topic's shapes, readable with jq: key [connector, partition], value offset.
  const doc = JSON.parse(readFileSync(file, 'utf8').replace(String(big), '0'));
  assert.equal(doc.format, 'tscdc-offsets');
  assert.deepEqual(doc.offsets.map((o: { key: unknown }) => o.key), [['c1', { server: 'db1' }], ['c2', { z: 1, a: 'x' }]]);
  assert.match(readFileSync(file, 'utf8'), /"lsn":9007199254740993/);
});

test('atomic writes: concurrent writes all land, a reader never sees a partial file, no temporary file is left', async () => {
  const file = freshFile();
  const store = await started(file);
  // A large value makes a non-atomic rewrite (truncate, then write) observable by a reader.
  const pad = 'x'.repeat(200_000);
  let reading = true;
  let reads = 0;
  const reader = (async () => {
    while (reading) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        await new Promise((r) => setImmediate(r)); // not written yet
        continue;
      }
      parseOffsetFile(file, text); // throws on a partial file
      reads++;
      await new Promise((r) => setImmediate(r));
    }
  })();
  await Promise.all(Array.from({ length: 16 }, (_, i) => store.write('c', [{ partition: { p: i % 4 }, offset: { i, pad } }])));
  reading = false;
  await reader;
  assert.ok(reads > 0, 'the reader read the file while it was being rewritten');
  const again = await started(file);
  assert.equal(again.offsets('c').length, 4);
  for (let p = 0; p < 4; p++) assert.equal((again.offset('c', { p }) as { i: number }).i, 12 + p, `partition ${p} has its last write`);
  assert.deepEqual(readdirSync(join(file, '..')), ['offsets.json']);
});

test('a failed write leaves the previous file and the store\'s view as they were', async () => {
  const file = freshFile();
  const store = await started(file);
  await store.write('c', [{ partition: { p: 1 }, offset: { v: 1 } }]);
  const before = readFileSync(file, 'utf8');
  // Replace the file by a non-empty directory: the rename of the new content over it fails.
  rmSync(file);
  mkdirSync(join(file, 'blocker'), { recursive: true });
  await assert.rejects(store.write('c', [{ partition: { p: 1 }, offset: { v: 2 } }]));
  assert.deepEqual(store.offset('c', { p: 1 }), { v: 1 });
  assert.deepEqual(readdirSync(join(file, '..')).sort(), ['offsets.json'], 'the temporary file was removed');
  rmSync(file, { recursive: true });
  writeFileSync(file, before);
  await store.write('c', [{ partition: { p: 1 }, offset: { v: 3 } }]);
  assert.deepEqual((await started(file)).offset('c', { p: 1 }), { v: 3 });
});

test('a temporary file a crashed write left is removed at start; the offsets file itself is read', async () => {
  const file = freshFile();
  const store = await started(file);
  await store.write('c', [{ partition: { p: 1 }, offset: { v: 1 } }]);
  writeFileSync(`${file}.tmp-crashed`, '{"format":"tscdc-offsets","version":1,"offsets":[{"key":["c",{"p":1}],"val');
  const again = await started(file);
  assert.deepEqual(again.offset('c', { p: 1 }), { v: 1 });
  assert.deepEqual(readdirSync(join(file, '..')), ['offsets.json']);
});

test('a torn, empty, foreign or malformed offsets file is refused at start, naming the file', async () => {
  const file = freshFile();
  const store = await started(file);
  await store.write('c', [{ partition: { p: 1 }, offset: { v: 1 } }, { partition: { p: 2 }, offset: { v: 2 } }]);
  const good = readFileSync(file, 'utf8');
  const cases: Array<[string, string | Buffer, RegExp]> = [
    ['torn', good.slice(0, Math.floor(good.length / 2)), /not complete JSON/],
    ['empty', '', /empty/],
    ['Java-serialised (Connect\'s own)', Buffer.from([0xac, 0xed, 0x00, 0x05, 0x73, 0x72]), /not complete JSON|not a tscdc offsets file/],
    ['other JSON', '{"offsets":[]}', /not a tscdc offsets file/],
    ['other version', '{"format":"tscdc-offsets","version":7,"offsets":[]}', /version 7/],
    ['bad entry', '{"format":"tscdc-offsets","version":1,"offsets":[{"key":"c","value":{}}]}', /offsets\[0\]/],
  ];
  for (const [what, content, pattern] of cases) {
    writeFileSync(file, content);
    await assert.rejects(started(file), (err) => assertCorrupt(err, file, pattern), what);
  }
});

test('writeFileAtomically replaces the content and leaves nothing else behind', async () => {
  const file = freshFile();
  await writeFileAtomically(file, 'one');
  await writeFileAtomically(file, 'two');
  assert.equal(readFileSync(file, 'utf8'), 'two');
  assert.deepEqual(readdirSync(join(file, '..')), ['offsets.json']);
});
