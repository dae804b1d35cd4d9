import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChangeRecord, PredicatePlugin, TransformationPlugin } from '../../../../src/connect-api/index.js';
import { createPluginRegistry } from '../../../../src/connectors/registry.js';
import { createTransformChain, StageFailure, TransformError } from '../../../../src/transforms/index.js';

const suffix: TransformationPlugin = {
  kind: 'transformation', className: 'com.example.Suffix', aliases: [], version: '1',
  configDef: { keys: [{ name: 'suffix', type: 'STRING', documentation: 'Appended.' }] },
  create: ({ settings }) => ({ apply: (r) => ({ ...r, topic: r.topic + String(settings['suffix']) }) }),
};
const drop: TransformationPlugin = {
  kind: 'transformation', className: 'com.example.Drop', aliases: [], version: '1', configDef: { keys: [] },
  create: () => ({ apply: () => null }),
};
const explode: TransformationPlugin = {
  kind: 'transformation', className: 'com.example.Explode', aliases: [], version: '1', configDef: { keys: [] },
  create: () => ({ apply: () => { throw new TransformError('boom'); } }),
};
const topicIs: PredicatePlugin = {
  kind: 'predicate', className: 'com.example.TopicIs', aliases: [], version: '1',
  configDef: { keys: [{ name: 'topic', type: 'STRING', documentation: 'The topic.' }] },
  create: ({ settings }) => ({ test: (r) => r.topic === settings['topic'] }),
};
const registry = createPluginRegistry([], [suffix, drop, explode], [topicIs]);
const record = (topic: string): ChangeRecord => ({ topic, keySchema: null, key: null, valueSchema: null, value: { a: 1 }, partition: { p: 1 }, offset: { o: 2 } });

test('no transforms: no chain at all (the runtime skips the stage)', () => {
  assert.equal(createTransformChain({ transforms: '' }, registry), null);
  assert.equal(createTransformChain({}, registry), null);
});

test('transforms apply in order; a null ends the chain', () => {
  const chain = createTransformChain({ transforms: 'a, b', 'transforms.a.type': 'com.example.Suffix', 'transforms.a.suffix': '-1', 'transforms.b.type': 'com.example.Suffix', 'transforms.b.suffix': '-2' }, registry)!;
  assert.equal(chain.apply(record('t'))!.topic, 't-1-2');
  const dropping = createTransformChain({ transforms: 'd,a', 'transforms.d.type': 'com.example.Drop', 'transforms.a.type': 'com.example.Suffix', 'transforms.a.suffix': '-1' }, registry)!;
  assert.equal(dropping.apply(record('t')), null);
});

test('a predicate gates its transform; negate inverts it', () => {
  const config = { transforms: 'a', 'transforms.a.type': 'com.example.Suffix', 'transforms.a.suffix': '-x', 'transforms.a.predicate': 'isT', predicates: 'isT', 'predicates.isT.type': 'com.example.TopicIs', 'predicates.isT.topic': 't' };
  const chain = createTransformChain(config, registry)!;
  assert.equal(chain.apply(record('t'))!.topic, 't-x');
  assert.equal(chain.apply(record('u'))!.topic, 'u');
  const negated = createTransformChain({ ...config, 'transforms.a.negate': 'true' }, registry)!;
  assert.equal(negated.apply(record('t'))!.topic, 't');
  assert.equal(negated.apply(record('u'))!.topic, 'u-x');
});

test('a failing transform is reported with its alias and class', () => {
  const chain = createTransformChain({ transforms: 'e', 'transforms.e.type': 'com.example.Explode' }, registry)!;
  assert.throws(() => chain.apply(record('t')), (e) => e instanceof StageFailure && e.stage.alias === 'e' && e.stage.className === 'com.example.Explode' && /boom/.test(e.message));
});
