import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CdcError } from '../../../../src/errors/index.js';
import { nextDelay, retry, type RetryPolicy } from '../../../../src/retry/index.js';

const transient = (n: number) => new CdcError('KAFKA_TRANSIENT', `failure ${n}`, { retriable: true });
const fast = { backoff: { initialMs: 1, maxMs: 2, jitter: 0 } };

test('retries retriable failures until success, throws the first permanent one at once', async () => {
  let calls = 0;
  assert.equal(await retry(async () => (++calls < 3 ? Promise.reject(transient(calls)) : 'ok'), fast), 'ok');
  assert.equal(calls, 3);
  calls = 0;
  await assert.rejects(retry(async () => { calls++; throw new CdcError('CONFIG_INVALID', 'no', { retriable: false }); }, fast), /no/);
  assert.equal(calls, 1);
});

test('errors.max.retries bounds the retries after the first attempt; progress starts a fresh budget', async () => {
  let calls = 0;
  await assert.rejects(retry(async () => { throw transient(++calls); }, { ...fast, maxRetries: 2 }), /failure 3/);
  assert.equal(calls, 3);
  // Each attempt delivers something before failing: the budget never runs out until the fifth attempt succeeds.
  calls = 0;
  const result = await retry(async (attempt) => {
    calls++;
    attempt.progressed();
    if (calls < 5) throw transient(calls);
    return calls;
  }, { ...fast, maxRetries: 1 });
  assert.equal(result, 5);
});

test('translate decides what the rules see; special exits retry at once or end with a value', async () => {
  const seen: unknown[] = [];
  const policy: RetryPolicy<string> = {
    ...fast,
    translate: (raw) => (raw instanceof CdcError ? raw : transient(0)),
    special: (err, raw) => {
      seen.push(raw);
      if ((raw as Error).message === 'gone') return { retryNow: true };
      if ((raw as Error).message === 'duplicate') return { value: 'done before' };
      return undefined;
    },
    retriable: () => false,
  };
  let calls = 0;
  assert.equal(await retry(async () => {
    calls++;
    throw new Error(calls === 1 ? 'gone' : 'duplicate');
  }, policy), 'done before');
  assert.equal(calls, 2, 'a retryNow exit runs the operation again even when nothing is retriable');
  await assert.rejects(retry(async () => { throw new Error('raw driver error'); }, policy), /failure 0/, 'the translated error is thrown');
});

test('an abort ends the wait and the retries: undefined, not an error', async () => {
  const controller = new AbortController();
  const started = Date.now();
  const pending = retry(async () => { throw transient(1); }, { backoff: { initialMs: 60_000, maxMs: 60_000 }, signal: controller.signal });
  setTimeout(() => controller.abort(), 20);
  assert.equal(await pending, undefined);
  assert.ok(Date.now() - started < 5000, 'the 60 s wait was cut short');
});

test('delays double up to the cap and move by at most the jitter', () => {
  const b = { initialMs: 100, maxMs: 1000, jitter: 0 };
  assert.deepEqual([0, 100, 200, 800].map((d) => nextDelay(b, d)), [100, 200, 400, 1000]);
  for (let i = 0; i < 200; i++) {
    const d = nextDelay({ initialMs: 1000, maxMs: 1000, jitter: 0.2 }, 1000);
    assert.ok(d >= 800 && d <= 1200, String(d));
  }
});
