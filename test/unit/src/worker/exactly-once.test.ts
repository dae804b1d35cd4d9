import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../../../src/errors/index.js';
import { checkExactlyOnce, exactlyOnceSettings, transactionalId } from '../../../../src/worker/exactly-once.js';

const on = { exactlyOnceSource: true, offsetFlushIntervalMs: 60_000 };
const off = { exactlyOnceSource: false, offsetFlushIntervalMs: 60_000 };

function refused(worker: typeof on, connector: Record<string, string>, key: string, pattern: RegExp): void {
  assert.throws(() => exactlyOnceSettings(worker, connector), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.key, key);
    assert.match(err.message, pattern);
    return true;
  });
  assert.deepEqual(Object.keys(checkExactlyOnce(worker, connector)), [key]);
}

test("the transactional id is Connect's <group.id>-<connector>-<task>", () => {
  assert.equal(transactionalId('connect-cluster', 'inventory', 0), 'connect-cluster-inventory-0');
});

test('with the worker enabled: poll by default, interval with its own or the flush interval, connector refused', () => {
  assert.deepEqual(exactlyOnceSettings(on, {}), { enabled: true, boundary: { kind: 'poll' } });
  assert.deepEqual(exactlyOnceSettings(on, { 'exactly.once.support': 'required' }), { enabled: true, boundary: { kind: 'poll' } });
  assert.deepEqual(exactlyOnceSettings(on, { 'transaction.boundary': 'interval' }), { enabled: true, boundary: { kind: 'interval', intervalMs: 60_000 } });
  assert.deepEqual(exactlyOnceSettings(on, { 'transaction.boundary': 'interval', 'transaction.boundary.interval.ms': '500' }),
    { enabled: true, boundary: { kind: 'interval', intervalMs: 500 } });
  refused(on, { 'transaction.boundary': 'connector' }, 'transaction.boundary', /defines its own transaction boundaries/);
  refused(on, { 'transaction.boundary.interval.ms': '500' }, 'transaction.boundary.interval.ms', /only applies to interval/);
  refused(on, { 'transaction.boundary': 'interval', 'transaction.boundary.interval.ms': 'soon' }, 'transaction.boundary.interval.ms', /whole number/);
});

test('with the worker not enabled: at least once, and settings that need transactions are refused, never ignored', () => {
  assert.deepEqual(exactlyOnceSettings(off, {}), { enabled: false });
  assert.deepEqual(exactlyOnceSettings(off, { 'exactly.once.support': 'requested', 'transaction.boundary': 'poll' }), { enabled: false });
  refused(off, { 'exactly.once.support': 'required' }, 'exactly.once.support', /exactly.once.source.support is not enabled/);
  refused(off, { 'transaction.boundary': 'interval' }, 'transaction.boundary', /cannot be honoured/);
  refused(off, { 'transaction.boundary.interval.ms': '100' }, 'transaction.boundary.interval.ms', /cannot be honoured/);
});
