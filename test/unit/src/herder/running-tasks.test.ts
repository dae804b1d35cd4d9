/**
 * The registry of running tasks: it tells a task stopped on purpose (pause, restart, delete: no exit report)
 * from one that ended by itself (reported once, with its outcome), ignores the late end of a replaced handle,
 * keeps the last progress of a task that ended by itself, and routes ad-hoc snapshot commands.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SnapshotCommand, TaskProgress } from '../../../../src/connect-api/index.js';
import { createRunningTasks } from '../../../../src/herder/running-tasks.js';
import type { TaskHandle, TaskOutcome } from '../../../../src/herder/types.js';

const tick = () => new Promise((r) => setImmediate(r));

function handle(o: { stopError?: unknown; signal?: (c: SnapshotCommand) => string | null } = {}) {
  let settle!: (outcome: TaskOutcome) => void;
  let fail!: (err: unknown) => void;
  const done = new Promise<TaskOutcome>((resolve, reject) => { settle = resolve; fail = reject; });
  const state = { progress: undefined as TaskProgress | undefined, stops: 0 };
  const h: TaskHandle = {
    done,
    async stop() {
      state.stops++;
      settle({ outcome: 'stopped' });
      if (o.stopError !== undefined) throw o.stopError;
    },
    progress: () => state.progress,
    ...(o.signal ? { signal: o.signal } : {}),
  };
  return { h, state, settle, fail };
}

describe('running tasks', () => {
  it('a task stopped through the registry is not reported as exited', async () => {
    const tasks = createRunningTasks();
    const exits: TaskOutcome[] = [];
    const t = handle();
    tasks.add('c', 0, t.h, (o) => exits.push(o));
    assert.equal(tasks.isRunning('c', 0), true);
    assert.deepEqual(await tasks.stop('c'), []);
    await tick();
    assert.equal(t.state.stops, 1);
    assert.equal(tasks.isRunning('c', 0), false);
    assert.deepEqual(exits, []);
  });

  it('a task that ends by itself is reported once with its outcome; a rejected done counts as failed', async () => {
    const tasks = createRunningTasks();
    const exits: Array<[number, TaskOutcome]> = [];
    const a = handle();
    const b = handle();
    tasks.add('c', 0, a.h, (o) => exits.push([0, o]));
    tasks.add('c', 1, b.h, (o) => exits.push([1, o]));
    const err = new Error('boom');
    a.settle({ outcome: 'finished' });
    b.fail(err);
    await tick();
    assert.deepEqual(exits, [[0, { outcome: 'finished' }], [1, { outcome: 'failed', error: err }]]);
    assert.equal(tasks.isRunning('c', 0), false);
    assert.deepEqual(await tasks.stop('c'), [], 'nothing left to stop');
  });

  it('the late end of a replaced handle is ignored', async () => {
    const tasks = createRunningTasks();
    const exits: string[] = [];
    const old = handle();
    tasks.add('c', 0, old.h, () => exits.push('old'));
    await tasks.stop('c', 0);
    const current = handle();
    tasks.add('c', 0, current.h, () => exits.push('current'));
    old.fail(new Error('late'));
    await tick();
    assert.deepEqual(exits, []);
    assert.equal(tasks.isRunning('c', 0), true);
  });

  it('stop() stops just the named task, or all of the connector\'s, and returns the errors of unclean stops', async () => {
    const tasks = createRunningTasks();
    const err = new Error('did not flush');
    const a = handle({ stopError: err });
    const b = handle();
    const other = handle();
    tasks.add('c', 0, a.h, () => {});
    tasks.add('c', 1, b.h, () => {});
    tasks.add('d', 0, other.h, () => {});
    assert.deepEqual(await tasks.stop('c', 1), []);
    assert.deepEqual([tasks.isRunning('c', 0), tasks.isRunning('c', 1)], [true, false]);
    assert.deepEqual(await tasks.stop('c'), [err]);
    assert.equal(tasks.isRunning('c', 0), false, 'stopped regardless');
    assert.equal(tasks.isRunning('d', 0), true);
    assert.deepEqual(await tasks.stopAll(), []);
    assert.equal(other.state.stops, 1);
  });

  it('progress: live while running, kept after the task ended by itself, gone once stopped or restarted', async () => {
    const tasks = createRunningTasks();
    const t = handle();
    tasks.add('c', 0, t.h, () => {});
    t.state.progress = { phase: 'snapshot', rows: 5 };
    assert.deepEqual(tasks.progress('c', 0), { phase: 'snapshot', rows: 5 });
    t.fail(new Error('x'));
    await tick();
    assert.deepEqual(tasks.progress('c', 0), { phase: 'snapshot', rows: 5 });
    await tasks.stop('c', 0);
    assert.equal(tasks.progress('c', 0), undefined);
  });

  it('signal: one answer per running task in id order; tasks without signal support answer unsupported', () => {
    const tasks = createRunningTasks();
    const cmd: SnapshotCommand = { kind: 'pause', id: 'p1' };
    tasks.add('c', 1, handle({ signal: () => 'nothing to pause' }).h, () => {});
    tasks.add('c', 0, handle({ signal: () => null }).h, () => {});
    tasks.add('c', 2, handle().h, () => {});
    assert.deepEqual(tasks.signal('c', cmd), [
      { taskId: 0, outcome: 'accepted' },
      { taskId: 1, outcome: 'refused', reason: 'nothing to pause' },
      { taskId: 2, outcome: 'unsupported' },
    ]);
    assert.deepEqual(tasks.signal('none', cmd), []);
  });
});
