/** The herder's serial queue: one operation at a time, in call order; a failure reaches its caller only. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSerialQueue } from '../../../../src/herder/serial.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('serial queue', () => {
  it('runs operations one at a time in call order, a slow one holding back those after it', async () => {
    const q = createSerialQueue();
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const a = q.run(async () => { log.push('a start'); await gate; log.push('a end'); return 'a'; });
    const b = q.run(async () => { log.push('b start'); log.push('b end'); return 'b'; });
    await tick();
    assert.deepEqual(log, ['a start']);
    release();
    assert.deepEqual(await Promise.all([a, b]), ['a', 'b']);
    assert.deepEqual(log, ['a start', 'a end', 'b start', 'b end']);
  });

  it('a failing operation rejects for its caller and the next one still runs', async () => {
    const q = createSerialQueue();
    const failing = q.run(async () => { throw new Error('boom'); });
    const next = q.run(async () => 42);
    await assert.rejects(failing, /boom/);
    assert.equal(await next, 42);
  });

  it('idle() resolves once everything queued so far has settled, failures included', async () => {
    const q = createSerialQueue();
    let done = 0;
    void q.run(async () => { await tick(); done++; });
    q.run(async () => { done++; throw new Error('x'); }).catch(() => undefined);
    await q.idle();
    assert.equal(done, 2);
  });
});
