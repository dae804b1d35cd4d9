/**
 * The herder's connector/task state machine, driven through its public API (what the REST layer calls) with
 * in-memory config/status/offset stores, a fake plugin and a launcher whose tasks the test controls: create,
 * pause/resume/stop, restarts (Connect's includeTasks/onlyFailed), task failures (FAILED with a scrubbed trace,
 * never restarted by themselves), delete, config updates, the offsets API (only when STOPPED), ad-hoc snapshot
 * commands, worker start and shutdown, and the serial queue every change goes through.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { createPluginRegistry } from '../../../../src/connectors/registry.js';
import {
  AlreadyExistsError, BadRequestError, ConflictError, createHerder, NotFoundError, OFFSETS_ALTERED_MESSAGE, OFFSETS_RESET_MESSAGE,
  type Herder,
} from '../../../../src/herder/index.js';
import { memoryStores, type MemoryStores } from '../../fakes/connect-stores.js';
import { FAKE_CLASS, fakeLauncher, fakePlugin, type FakeLauncher, type FakePlugin } from '../../fakes/tasks.js';

const WORKER = '10.0.0.7:8083';
const SECRET = 'S3cr3t-pw';

function config(extra: Record<string, string | null> = {}): Record<string, string | null> {
  return { name: 'inv', 'connector.class': FAKE_CLASS, 'fake.topic': 'out', 'tasks.max': '2', 'fake.password': SECRET, ...extra };
}

interface Rig {
  herder: Herder;
  stores: MemoryStores;
  tasks: FakeLauncher;
  plugin: FakePlugin;
}

function rig(stores: MemoryStores = memoryStores()): Rig {
  const plugin = fakePlugin();
  const tasks = fakeLauncher();
  const herder = createHerder({
    workerId: () => WORKER,
    configStore: stores.configStore,
    statusStore: stores.statusStore,
    offsetStore: stores.offsetStore,
    registry: createPluginRegistry([plugin]),
    launchTask: tasks.launchTask,
    logger: pino({ level: 'silent' }),
    version: '0.1.0',
  });
  return { herder, stores, tasks, plugin };
}

async function started(stores?: MemoryStores): Promise<Rig> {
  const r = rig(stores);
  await r.herder.start();
  return r;
}

/**
 * Lets task exits reach the herder's queue, then waits for everything queued so far: a change for a connector
 * that does not exist goes through the same queue and fails without writing anything.
 */
async function settled(herder: Herder): Promise<void> {
  await new Promise((r) => setImmediate(r));
  await herder.restartConnector('__settle__').catch(() => undefined);
}

/** Connector and task states, as GET /connectors/{name}/status shows them. */
function states(herder: Herder, name = 'inv'): string[] {
  const s = herder.connectorStatus(name);
  return [s.connector.state, ...s.tasks.map((t) => `${t.id}:${t.state}`)];
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => assert.fail('expected a rejection'), (e: unknown) => e);
}

describe('herder: creating a connector', () => {
  it('stores the config and task configs, starts every task, and records connector and tasks RUNNING', async () => {
    const { herder, stores, tasks } = await started();
    const { created, result } = await herder.putConnectorConfig('inv', config(), { allowReplace: false });
    assert.equal(created, true);
    assert.deepEqual(result.tasks, [{ connector: 'inv', task: 0 }, { connector: 'inv', task: 1 }]);
    assert.equal(result.type, 'source');
    assert.equal(result.config['fake.password'], '[hidden]', 'secrets are masked in what the API returns');
    assert.equal(stores.configStore.connectorConfig('inv')!['fake.password'], SECRET);
    assert.equal(stores.configStore.taskConfigs('inv')!.length, 2);
    assert.deepEqual(herder.connectorStatus('inv'), {
      name: 'inv', type: 'source',
      connector: { state: 'RUNNING', worker_id: WORKER },
      tasks: [{ id: 0, state: 'RUNNING', worker_id: WORKER }, { id: 1, state: 'RUNNING', worker_id: WORKER }],
    });
    assert.deepEqual(tasks.live('inv').map((t) => [t.launch.taskId, t.launch.taskConfig['task.id'], t.launch.taskConfig['fake.password']]),
      [[0, '0', SECRET], [1, '1', SECRET]], 'tasks get their own configs with the real secret');
    assert.deepEqual(tasks.launched[0]!.launch.secrets, [SECRET], 'and the secrets to scrub from their errors');
    assert.deepEqual(stores.log, [
      'config inv', 'task-configs inv 2', 'connector inv RUNNING', 'task inv-0 RUNNING', 'task inv-1 RUNNING',
    ], 'Connect\'s order: connector config, task configs, then statuses');
    assert.deepEqual(herder.connectors(), ['inv']);
  });

  it('refuses a name that is taken (unless replacing), an invalid config and an unknown class, storing nothing', async () => {
    const { herder, stores, tasks } = await started();
    await herder.putConnectorConfig('inv', config(), { allowReplace: false });
    const writes = stores.log.length;
    assert.ok(await rejection(herder.putConnectorConfig('inv', config(), { allowReplace: false })) instanceof AlreadyExistsError);
    const invalid = await rejection(herder.putConnectorConfig('other', config({ name: 'other', 'fake.topic': 'Not Valid!' }), { allowReplace: false }));
    assert.ok(invalid instanceof BadRequestError);
    assert.match((invalid as Error).message, /contains the following 1 error\(s\):\nInvalid value Not Valid! for configuration fake\.topic: Not a valid topic name\n/);
    const unknown = await rejection(herder.putConnectorConfig('x', config({ name: 'x', 'connector.class': 'com.example.Nope' }), { allowReplace: false }));
    assert.ok(unknown instanceof BadRequestError);
    assert.match((unknown as Error).message, /available connectors are: test\.FakeSourceConnector/);
    assert.equal(stores.log.length, writes);
    assert.deepEqual(herder.connectors(), ['inv']);
    assert.equal(tasks.launched.length, 2);
  });

  it('two concurrent creates of one name: one is created, the other is refused as a duplicate', async () => {
    const { herder, tasks } = await started();
    const results = await Promise.allSettled([
      herder.putConnectorConfig('inv', config(), { allowReplace: false }),
      herder.putConnectorConfig('inv', config({ 'tasks.max': '1' }), { allowReplace: false }),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.ok(refused.reason instanceof AlreadyExistsError);
    assert.equal(tasks.live('inv').length, 2);
  });

  it('initial_state PAUSED or STOPPED: the connector is created in that state and no task runs', async () => {
    const { herder, stores, tasks } = await started();
    await herder.putConnectorConfig('inv', config(), { allowReplace: false, initialState: 'PAUSED' });
    assert.equal(stores.configStore.targetState('inv'), 'PAUSED');
    assert.deepEqual(states(herder), ['PAUSED']);
    await herder.putConnectorConfig('cold', config({ name: 'cold' }), { allowReplace: false, initialState: 'STOPPED' });
    assert.equal(stores.configStore.targetState('cold'), 'STOPPED');
    assert.deepEqual(states(herder, 'cold'), ['STOPPED']);
    assert.equal(tasks.launched.length, 0);
  });

  it('a plugin generating more task configs than tasks.max fails the connector and starts no task', async () => {
    const { herder, tasks, plugin } = await started();
    plugin.taskConfigs = (c) => [{ ...c }, { ...c }, { ...c }];
    await herder.putConnectorConfig('inv', config(), { allowReplace: false });
    const status = herder.connectorStatus('inv').connector;
    assert.equal(status.state, 'FAILED');
    assert.match(status.trace!, /has generated 3 tasks, which is greater than 2/);
    assert.equal(tasks.launched.length, 0);
  });

  it('a task that cannot be launched is FAILED with the reason; the others run', async () => {
    const { herder, tasks } = await started();
    tasks.failNextLaunch(new Error(`producer could not be created (password ${SECRET})`));
    await herder.putConnectorConfig('inv', config(), { allowReplace: false });
    assert.deepEqual(states(herder), ['RUNNING', '0:FAILED', '1:RUNNING']);
    const trace = herder.taskStatus('inv', 0).trace!;
    assert.match(trace, /producer could not be created \(password \[hidden\]\)/);
    assert.ok(!trace.includes(SECRET));
  });
});

describe('herder: target states', () => {
  it('pause stops the tasks and records PAUSED; resume starts them again', async () => {
    const { herder, stores, tasks } = await started();
    await herder.putConnectorConfig('inv', config(), { allowReplace: false });
    const first = tasks.live('inv');
    await herder.pauseConnector('inv');
    assert.ok(first.every((t) => t.stopped));
    assert.equal(stores.configStore.targetState('inv'), 'PAUSED');
    assert.deepEqual(states(herder), ['PAUSED', '0:PAUSED', '1:PAUSED']);
    await settled(herder);
    assert.deepEqual(states(herder), ['PAUSED', '0:PAUSED', '1:PAUSED'], 'tasks stopped on purpose are not reported as ended');

    const writes = stores.log.length;
    await herder.pauseConnector('inv');
    assert.equal(stores.log.length, writes, 'pausing a paused connector changes nothing');

    await herder.resumeConnector('inv');
    assert.equal(stores.configStore.targetState('inv'), 'STARTED');
    assert.deepEqual(states(herder), ['RUNNING', '0:RUNNING', '1:RUNNING']);
    assert.equal(tasks.live('inv').length, 2);
    assert.equal(tasks.launched.length, 4);
  });

  it('stop (KIP-875) stops the tasks, empties the task configs, drops task statuses; resume brings them back', async () => {
    const { herder, stores, tasks } = await started();
    await herder.putConnectorConfig('inv', config(), { allowReplace: false });
    await herder.stopConnector('inv');
    assert.equal(tasks.live('inv').length, 0);
    assert.equal(stores.configStore.targetState('inv'), 'STOPPED');
    assert.deepEqual(stores.configStore.taskConfigs('inv'), []);
    assert.deepEqual(states(herder), ['STOPPED']);
    assert.deepEqual(herder.connectorInfo('inv').tasks, []);

    await herder.resumeConnector('inv');
    assert.deepEqual(states(herder), ['RUNNING', '0:RUNNING', '1:RUNNING']);
    assert.equal(stores.configStore.taskConfigs('inv')!.length, 2);
    assert.equal(tasks.live('inv').length, 2);
  });

  it('pause, resume and stop of an unknown connector are NotFound', async () => {
    const { herder } = await started();
    for (const op of [herder.pauseConnector, herder.resumeConnector, herder.stopConnector]) {
      assert.ok(await rejection(op('nope')) instanceof NotFoundError);
    }
  });
});

describe('herder: task failures', () => {
  it('a failing task is FAILED with its trace, secrets scrubbed, and is not restarted by itself; the rest keeps running', async () => {
    const { herder, tasks } = await started();
    await herder.putConnectorConfig('inv', config(), { allowReplace: false });
    tasks.last('inv', 1)!.fail(new Error(`login failed for cdc with password ${SECRET}`));
    await settled(herder);
    assert.deepEqual(states(herder), ['RUNNING', '0:RUNNING', '1:FAILED']);
    const trace = herder.taskStatus('inv', 1).trace!;
    assert.match(trace, /^Error: login failed for cdc with password \[hidden\]/);
    assert.ok(!trace.includes(SECRET), trace);
    assert.equal(tasks.launched.length, 2, 'no automatic restart');
    assert.equal(herder.connectorStatus('inv').tasks[1]!.trace, trace);
  });

  it('a task that finishes its work stays RUNNING, as an idle Connect task would', async () => {
    const { herder, tasks } = await started();
    await herder.putConnectorConfig('inv', config({ 'tasks.max': '1' }), { allowReplace: false });
    tasks.last('inv', 0)!.finish();
    await settled(herder);
    assert.deepEqual(states(herder), ['RUNNING', '0:RUNNING']);
  });

  it('the progress a failed task last reported stays in its status', async () => {
    const { herder, tasks } = await started();
    await herder.putConnectorConfig('inv', config({ 'tasks.max': '1' }), { allowReplace: false });
    const t = tasks.last('inv', 0)!;
    t.progress = { phase: 'streaming', rows: 12 };
    assert.deepEqual(herder.taskStatus('inv', 0).progress, { phase: 'streaming', rows: 12 });
    t.fail(new Error('boom'));
    await settled(herder);
    assert.deepEqual(herder.taskStatus('inv', 0).progress, { phase: 'streaming', rows: 12 });
  });

  it('restarting the task brings it back RUNNING with a new launch', async () => {
    const { herder, tasks } = await started();
    await herder.putConnectorConfig('inv', config(), { allowReplace: false });
    tasks.last('inv', 1)!.fail(new Error('boom'));
    await settled(herder);
    await herder.restartTask('inv', 1);
    assert.deepEqual(states(herder), ['RUNNING', '0:RUNNING', '1:RUNNING']);
    assert.equal(herder.taskStatus('inv', 1).trace, undefined);
    assert.equal(tasks.launched.length, 3);
    assert.ok(await rejection(herder.restartTask('inv', 7)) instanceof NotFoundError);
  });

  it('a task that ends after its connector was paused or deleted leaves no FAILED status behind', async () => {
    const { herder, tasks } = await started();
    await herder.putConnectorConfig('inv', config({ 'tasks.max': '1' }), { allowReplace: false });
    const t = tasks.last('inv', 0)!;
    // The exit is queued behind the pause, which already replaced the task
    const pausing = herder.pauseConnector('inv');
    t.fail(new Error('late failure'));
    await pausing;
    await settled(herder);
    assert.deepEqual(states(herder), ['PAUSED', '0:PAUSED']);
  });
});

describe('herder: restarts', () => {
  async function withFailedTask() {
    const r = await started();
    await r.herder.putConnectorConfig('inv', config({ 'tasks.max': '3' }), { allowReplace: false });
    r.tasks.last('inv', 1)!.fail(new Error('boom'));
    await settled(r.herder);
    assert.deepEqual(states(r.herder), ['RUNNING', '0:RUNNING', '1:FAILED', '2:RUNNING']);
    return r;
  }
  const launchesOf = (tasks: FakeLauncher, id: number) => tasks.launched.filter((t) => t.launch.taskId === id).length;

  it('includeTasks + onlyFailed: answers with the failed task RESTARTING, then restarts only it, once', async () => {
    const { herder, tasks } = await withFailedTask();
    const answer = await herder.restartConnectorAndTasks('inv', { includeTasks: true, onlyFailed: true });
    assert.deepEqual([answer.connector.state, ...answer.tasks.map((t) => t.state)], ['RUNNING', 'RUNNING', 'RESTARTING', 'RUNNING']);
    await settled(herder);
    assert.deepEqual(states(herder), ['RUNNING', '0:RUNNING', '1:RUNNING', '2:RUNNING']);
    assert.deepEqual([0, 1, 2].map((id) => launchesOf(tasks, id)), [1, 2, 1]);
    assert.ok(!tasks.last('inv', 0)!.stopped && !tasks.last('inv', 2)!.stopped, 'healthy tasks are left alone');
  });

  it('includeTasks: connector and every task are restarted, each task once', async () => {
    const { herder, tasks } = await withFailedTask();
    const answer = await herder.restartConnectorAndTasks('inv', { includeTasks: true, onlyFailed: false });
    assert.deepEqual([answer.connector.state, ...answer.tasks.map((t) => t.state)], ['RESTARTING', 'RESTARTING', 'RESTARTING', 'RESTARTING']);
    await settled(herder);
    assert.deepEqual(states(herder), ['RUNNING', '0:RUNNING', '1:RUNNING', '2:RUNNING']);
    assert.deepEqual([0, 1, 2].map((id) => launchesOf(tasks, id)), [2, 2, 2]);
    assert.equal(tasks.live('inv').length, 3);
  });

  it('without includeTasks only the connector restarts: running tasks keep running, a failed one stays FAILED', async () => {
    const { herder, tasks } = await withFailedTask();
    const answer = await herder.restartConnectorAndTasks('inv', { includeTasks: false, onlyFailed: false });
    assert.deepEqual([answer.connector.state, ...answer.tasks.map((t) => t.state)], ['RESTARTING', 'RUNNING', 'FAILED', 'RUNNING']);
    await settled(herder);
    assert.deepEqual(states(herder), ['RUNNING', '0:RUNNING', '1:FAILED', '2:RUNNING']);
    assert.equal(tasks.launched.length, 3);

    await herder.restartConnector('inv');
    assert.deepEqual(states(herder), ['RUNNING', '0:RUNNING', '1:FAILED', '2:RUNNING'], 'the plain restart as well');
    assert.equal(tasks.launched.length, 3);
  });

  it('onlyFailed with nothing failed restarts nothing', async () => {
    const { herder, tasks, stores } = await started();
    await herder.putConnectorConfig('inv', config(), { allowReplace: false });
    const writes = stores.log.length;
    const answer = await herder.restartConnectorAndTasks('inv', { includeTasks: true, onlyFailed: true });
    assert.deepEqual([answer.connector.state, ...answer.tasks.map((t) => t.state)], ['RUNNING', 'RUNNING', 'RUNNING']);
    await settled(herder);
    assert.equal(stores.log.length, writes);
    assert.equal(tasks.launched.length, 2);
  });

  it('a restart of a paused connector leaves it paused', async () => {
    const { herder, tasks } = await started();
    await herder.putConnectorConfig('inv', config(), { allowReplace: false, initialState: 'PAUSED' });
    await herder.restartConnectorAndTasks('inv', { includeTasks: true, onlyFailed: false });
    await settled(herder);
    assert.equal(herder.connectorStatus('inv').connector.state, 'PAUSED');
    assert.equal(tasks.launched.length, 0);
  });
});

describe('herder: config updates and delete', () => {
  it('an update restarts the tasks with the new config; fewer tasks drop the statuses of the ones gone', async () => {
    const { herder, stores, tasks } = await started();
    await herder.putConnectorConfig('inv', config(), { allowReplace: false });
    const old = tasks.live('inv');
    const { created } = await herder.putConnectorConfig('inv', config({ 'tasks.max': '1', 'fake.topic': 'moved' }), { allowReplace: true });
    assert.equal(created, false);
    assert.ok(old.every((t) => t.stopped));
    assert.deepEqual(tasks.live('inv').map((t) => [t.launch.taskId, t.launch.taskConfig['fake.topic']]), [[0, 'moved']]);
    assert.deepEqual(states(herder), ['RUNNING', '0:RUNNING']);
    assert.equal(stores.statusStore.task('inv', 1), undefined);
  });

  it('a config sent back with [hidden] keeps the stored secret; PATCH with null removes a key', async () => {
    const { herder, stores, tasks } = await started();
    await herder.putConnectorConfig('inv', config(), { allowReplace: false });
    const shown = herder.connectorConfig('inv');
    assert.equal(shown['fake.password'], '[hidden]');
    await herder.putConnectorConfig('inv', { ...shown, 'tasks.max': '1' }, { allowReplace: true });
    assert.equal(stores.configStore.connectorConfig('inv')!['fake.password'], SECRET);
    assert.equal(tasks.last('inv', 0)!.launch.taskConfig['fake.password'], SECRET);

    const info = await herder.patchConnectorConfig('inv', { 'fake.password': null });
    assert.equal(info.config['fake.password'], undefined);
    assert.equal(stores.configStore.connectorConfig('inv')!['fake.password'], undefined);
  });

  it('delete stops the tasks, removes config and statuses, lets the plugin clean up; then the connector is gone', async () => {
    const { herder, stores, tasks, plugin } = await started();
    await herder.putConnectorConfig('inv', config(), { allowReplace: false });
    const running = tasks.live('inv');
    await herder.deleteConnector('inv');
    assert.ok(running.every((t) => t.stopped));
    assert.equal(stores.configStore.connectorConfig('inv'), undefined);
    assert.equal(stores.configStore.taskConfigs('inv'), undefined);
    assert.equal(stores.statusStore.connector('inv'), undefined);
    assert.equal(stores.statusStore.task('inv', 0), undefined);
    assert.deepEqual(plugin.deleted, ['inv']);
    assert.deepEqual(herder.connectors(), []);
    assert.throws(() => herder.connectorStatus('inv'), NotFoundError);
    assert.ok(await rejection(herder.deleteConnector('inv')) instanceof NotFoundError);
    running[0]!.fail(new Error('after delete'));
    await settled(herder);
    assert.equal(stores.statusStore.task('inv', 0), undefined, 'a late exit writes nothing for a deleted connector');
  });
});

describe('herder: offsets API (KIP-875)', () => {
  const partition = { server: 'shop' };

  it('reading is always allowed; altering and resetting only once the connector is STOPPED', async () => {
    const { herder, stores } = await started();
    await herder.putConnectorConfig('inv', config(), { allowReplace: false });
    await stores.offsetStore.write('inv', [{ partition, offset: { file: 'bin.000001', pos: 4 } }]);
    assert.deepEqual(herder.connectorOffsets('inv'), { offsets: [{ partition, offset: { file: 'bin.000001', pos: 4 } }] });
    for (const attempt of [
      herder.alterConnectorOffsets('inv', [{ partition, offset: { file: 'bin.000002', pos: 4 } }]),
      herder.resetConnectorOffsets('inv'),
    ]) {
      const err = await rejection(attempt);
      assert.ok(err instanceof BadRequestError);
      assert.match((err as Error).message, /must be in the STOPPED state/);
    }
    await herder.pauseConnector('inv');
    assert.ok(await rejection(herder.resetConnectorOffsets('inv')) instanceof BadRequestError, 'PAUSED is not enough');

    await herder.stopConnector('inv');
    assert.deepEqual(await herder.alterConnectorOffsets('inv', [{ partition, offset: { file: 'bin.000002', pos: 4 } }]), { message: OFFSETS_ALTERED_MESSAGE });
    assert.deepEqual(stores.offsetStore.offset('inv', partition), { file: 'bin.000002', pos: 4 });
    assert.deepEqual(await herder.resetConnectorOffsets('inv'), { message: OFFSETS_RESET_MESSAGE });
    assert.deepEqual(herder.connectorOffsets('inv'), { offsets: [] });
  });

  it('a position the source refuses is a 400 naming the problem, with secrets scrubbed; nothing is written', async () => {
    const { herder, stores, plugin } = await started();
    await herder.putConnectorConfig('inv', config(), { allowReplace: false, initialState: 'STOPPED' });
    plugin.offsetProblems = [`binlog bin.000001 was purged (as seen by cdc:${SECRET})`];
    const err = await rejection(herder.alterConnectorOffsets('inv', [{ partition, offset: { file: 'bin.000001', pos: 4 } }]));
    assert.ok(err instanceof BadRequestError);
    assert.match((err as Error).message, /^The offsets cannot be used: binlog bin\.000001 was purged \(as seen by cdc:\[hidden\]\)$/);
    assert.equal(stores.offsetStore.offset('inv', partition), null);
  });

  it('malformed entries are refused', async () => {
    const { herder } = await started();
    await herder.putConnectorConfig('inv', config(), { allowReplace: false, initialState: 'STOPPED' });
    assert.ok(await rejection(herder.alterConnectorOffsets('inv', [])) instanceof BadRequestError);
    assert.ok(await rejection(herder.alterConnectorOffsets('inv', [{ partition: {}, offset: {} }])) instanceof BadRequestError);
    assert.ok(await rejection(herder.alterConnectorOffsets('inv', [{ partition, offset: 'x' }])) instanceof BadRequestError);
  });
});

describe('herder: ad-hoc snapshot commands', () => {
  const command = { kind: 'pause' as const, id: 'c1' };

  it('go to the running tasks; a refusal is a 400 with the task\'s reason; paused or stopped connectors are a 409', async () => {
    const { herder, tasks } = await started();
    await herder.putConnectorConfig('inv', config({ 'tasks.max': '1' }), { allowReplace: false });
    await herder.snapshotCommand('inv', command);
    assert.deepEqual(tasks.last('inv', 0)!.signals, [command]);

    tasks.last('inv', 0)!.signalAnswer = 'no incremental snapshot is running';
    const refused = await rejection(herder.snapshotCommand('inv', command));
    assert.ok(refused instanceof BadRequestError);
    assert.equal((refused as Error).message, 'no incremental snapshot is running');

    tasks.last('inv', 0)!.fail(new Error('boom'));
    await settled(herder);
    const noTask = await rejection(herder.snapshotCommand('inv', command));
    assert.ok(noTask instanceof ConflictError);
    assert.match((noTask as Error).message, /task 0 is FAILED/);

    await herder.pauseConnector('inv');
    assert.ok(await rejection(herder.snapshotCommand('inv', command)) instanceof ConflictError);
  });
});

describe('herder: serial changes', () => {
  it('a change waits for the one before it: a pause and a resume never interleave their writes', async () => {
    const { herder, stores, tasks } = await started();
    await herder.putConnectorConfig('inv', config(), { allowReplace: false });
    stores.log.length = 0;
    const held = stores.hold();
    const pausing = herder.pauseConnector('inv');
    await held.waiting;
    const resuming = herder.resumeConnector('inv');
    await new Promise((r) => setImmediate(r));
    held.release();
    await Promise.all([pausing, resuming]);
    assert.deepEqual(stores.log, [
      'target inv PAUSED', 'connector inv PAUSED', 'task inv-0 PAUSED', 'task inv-1 PAUSED',
      'target inv STARTED', 'connector inv RUNNING', 'task inv-0 RUNNING', 'task inv-1 RUNNING',
    ]);
    assert.deepEqual(states(herder), ['RUNNING', '0:RUNNING', '1:RUNNING']);
    assert.equal(tasks.live('inv').length, 2);
  });

  it('a change that fails does not block the ones after it', async () => {
    const { herder, stores } = await started();
    await herder.putConnectorConfig('inv', config(), { allowReplace: false });
    stores.failNextStatusWrite(new Error('status topic unavailable'));
    const failing = herder.stopConnector('inv');
    const next = herder.pauseConnector('inv');
    await assert.rejects(failing, /status topic unavailable/);
    await next;
    assert.equal(stores.configStore.targetState('inv'), 'PAUSED');
  });
});

describe('herder: worker start and shutdown', () => {
  it('start() brings every stored connector into its target state, as a new generation', async () => {
    const stores = memoryStores();
    await stores.configStore.putConnectorConfig('a', config({ name: 'a' }) as Record<string, string>, 'STARTED');
    await stores.configStore.putConnectorConfig('b', config({ name: 'b' }) as Record<string, string>, 'PAUSED');
    await stores.statusStore.putConnector('a', { state: 'RUNNING', trace: null, workerId: 'old:8083', generation: 6 });
    const { herder, tasks } = rig(stores);
    assert.equal(herder.isReady(), false);
    await herder.start();
    assert.equal(herder.isReady(), true);
    assert.deepEqual(states(herder, 'a'), ['RUNNING', '0:RUNNING', '1:RUNNING']);
    assert.deepEqual(states(herder, 'b'), ['PAUSED']);
    assert.deepEqual(tasks.live('a').length, 2);
    assert.deepEqual(tasks.live('b').length, 0);
    assert.equal(stores.statusStore.connector('a')!.generation, 7);
    assert.equal(stores.statusStore.connector('a')!.workerId, WORKER);
  });

  it('a stored connector whose plugin is missing is FAILED with the fix; the others start', async () => {
    const stores = memoryStores();
    await stores.configStore.putConnectorConfig('gone', config({ name: 'gone', 'connector.class': 'com.example.Removed' }) as Record<string, string>);
    await stores.configStore.putConnectorConfig('a', config({ name: 'a', 'tasks.max': '1' }) as Record<string, string>);
    const { herder } = await started(stores);
    assert.equal(herder.connectorStatus('gone').connector.state, 'FAILED');
    assert.match(herder.connectorStatus('gone').connector.trace!, /not installed on this worker.*Fix: Install the plugin/s);
    assert.deepEqual(states(herder, 'a'), ['RUNNING', '0:RUNNING']);
  });

  it('stop() stops every task and records UNASSIGNED; from then on changes are refused with a 409', async () => {
    const { herder, tasks, stores } = await started();
    await herder.putConnectorConfig('inv', config(), { allowReplace: false });
    const running = tasks.live('inv');
    await herder.stop();
    assert.ok(running.every((t) => t.stopped));
    assert.deepEqual(states(herder), ['UNASSIGNED', '0:UNASSIGNED', '1:UNASSIGNED']);
    const writes = stores.log.length;
    for (const attempt of [
      herder.putConnectorConfig('new', config({ name: 'new' }), { allowReplace: false }),
      herder.pauseConnector('inv'),
      herder.resumeConnector('inv'),
      herder.deleteConnector('inv'),
      herder.restartTask('inv', 0),
      herder.restartConnectorAndTasks('inv', { includeTasks: true, onlyFailed: false }),
      herder.resetConnectorOffsets('inv'),
    ]) {
      const err = await rejection(attempt);
      assert.ok(err instanceof ConflictError, String(err));
      assert.match((err as Error).message, /shutting down/);
    }
    assert.equal(stores.log.length, writes);
    assert.equal(tasks.launched.length, 2);
  });

  it('a change queued behind the shutdown is refused too', async () => {
    const { herder, tasks } = await started();
    await herder.putConnectorConfig('inv', config(), { allowReplace: false });
    const slow = tasks.slowStops();
    const pausing = herder.pauseConnector('inv');
    while (!tasks.launched[0]!.stopped) await new Promise((r) => setImmediate(r)); // the pause is waiting for its tasks to stop
    const resuming = herder.resumeConnector('inv'); // queued before the shutdown
    const stopping = herder.stop();
    slow.release();
    await pausing;
    assert.ok(await rejection(resuming) instanceof ConflictError);
    await stopping;
    assert.deepEqual(states(herder), ['UNASSIGNED', '0:UNASSIGNED', '1:UNASSIGNED']);
    assert.equal(tasks.launched.length, 2);
  });

  it('a task that fails while the worker shuts down is not recorded FAILED', async () => {
    const { herder, tasks, stores } = await started();
    await herder.putConnectorConfig('inv', config(), { allowReplace: false });
    const slow = tasks.slowStops();
    const stopping = herder.stop();
    await new Promise((r) => setImmediate(r));
    tasks.last('inv', 0)!.fail(new Error('connection closed during shutdown'));
    await new Promise((r) => setImmediate(r));
    slow.release();
    await stopping;
    await new Promise((r) => setImmediate(r));
    assert.ok(!stores.log.some((w) => w.endsWith('FAILED')), stores.log.join('\n'));
    assert.deepEqual(states(herder), ['UNASSIGNED', '0:UNASSIGNED', '1:UNASSIGNED']);
  });
});
