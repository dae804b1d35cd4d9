import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryConfigStore, createMemoryStatusStore } from '../../../../src/storage/memory-stores.js';

test('memory config store: target state defaults to STARTED, reads are copies, removal drops task configs and state', async () => {
  const s = createMemoryConfigStore();
  await s.putConnectorConfig('a', { k: 'v' });
  assert.equal(s.targetState('a'), 'STARTED');
  await s.putConnectorConfig('b', { k: 'v' }, 'STOPPED');
  await s.putConnectorConfig('b', { k: 'w' });
  assert.equal(s.targetState('b'), 'STOPPED', 'a config update keeps the target state');
  await s.putTaskConfigs('a', [{ t: '0' }]);
  s.connectorConfig('a')!.k = 'changed';
  s.taskConfigs('a')![0]!.t = 'changed';
  assert.deepEqual(s.connectorConfig('a'), { k: 'v' });
  assert.deepEqual(s.taskConfigs('a'), [{ t: '0' }]);
  await s.removeConnector('a');
  assert.deepEqual([s.connectorConfig('a'), s.taskConfigs('a'), s.targetState('a')], [undefined, undefined, undefined]);
  assert.deepEqual(s.connectorNames(), ['b']);
});

test('memory status store: DESTROYED removes, remove drops tasks, active topics reset', async () => {
  const s = createMemoryStatusStore();
  const st = (state: 'RUNNING' | 'DESTROYED') => ({ state, trace: null, workerId: 'w:1', generation: 1 });
  await s.putConnector('a', st('RUNNING'));
  await s.putTask('a', 0, st('RUNNING'));
  await s.putTask('a', 1, st('RUNNING'));
  await s.putTask('a', 1, st('DESTROYED'));
  assert.equal(s.task('a', 1), undefined);
  assert.equal(s.task('a', 0)?.state, 'RUNNING');
  await s.putActiveTopic('a', 't1', 0);
  await s.putActiveTopic('a', 't1', 0);
  assert.deepEqual(s.activeTopics('a'), ['t1']);
  await s.resetActiveTopics('a');
  assert.deepEqual(s.activeTopics('a'), []);
  await s.remove('a', 2);
  assert.equal(s.connector('a'), undefined);
  assert.equal(s.task('a', 0), undefined);
});
