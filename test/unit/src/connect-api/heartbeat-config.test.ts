import assert from 'node:assert/strict';
import { test } from 'node:test';
import { heartbeatTopic, heartbeatTopicKeys, parseConfig, type ConfigDef } from '../../../../src/connect-api/index.js';

const def: ConfigDef = { keys: heartbeatTopicKeys('Events', 1) };
const topic = (props: Record<string, string>) => heartbeatTopic(parseConfig(def, props).settings, 'shop');

test('heartbeats go to <topic.heartbeat.prefix>.<topic.prefix>; the 1.x name heartbeat.topics.prefix still works', () => {
  assert.equal(topic({}), '__debezium-heartbeat.shop');
  assert.equal(topic({ 'topic.heartbeat.prefix': 'hb' }), 'hb.shop');
  assert.equal(topic({ 'heartbeat.topics.prefix': 'old' }), 'old.shop');
  assert.equal(topic({ 'heartbeat.topics.prefix': 'old', 'topic.heartbeat.prefix': 'new' }), 'new.shop');
  assert.match(parseConfig(def, { 'topic.heartbeat.prefix': 'no spaces' }).errors['topic.heartbeat.prefix']![0]!, /ASCII alphanumerics/);
});
