import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConnectorConfig, validateConfigInfos, connectorConfigDef, type PredicatePlugin, type TransformationPlugin } from '../../../../src/connect-api/index.js';
import { createPluginRegistry } from '../../../../src/connectors/registry.js';

const renameTopic: TransformationPlugin = {
  kind: 'transformation', className: 'com.example.RenameTopic', aliases: [], version: '1',
  configDef: { keys: [
    { name: 'suffix', type: 'STRING', documentation: 'Appended to the topic.' },
    { name: 'times', type: 'INT', default: 1, documentation: 'How often.', validate: (v) => ((v as number) < 1 ? 'Value must be at least 1' : undefined) },
  ] },
  validate: ({ settings }): Record<string, string[]> => (settings['suffix'] === 'bad' ? { suffix: ['"bad" is not a suffix'] } : {}),
  create: ({ settings }) => ({ apply: (r) => ({ ...r, topic: r.topic + String(settings['suffix']).repeat(settings['times'] as number) }) }),
};
const always: PredicatePlugin = {
  kind: 'predicate', className: 'com.example.Always', aliases: ['Always'], version: '1',
  configDef: { keys: [] }, create: () => ({ test: () => true }),
};
const registry = createPluginRegistry([], [renameTopic], [always]);
const def = { keys: [] };
const base = { name: 'c', 'connector.class': 'x' };
const parse = (props: Record<string, string>) => parseConnectorConfig(def, { ...base, ...props }, registry);

test('each transform alias brings its type, predicate, negate and the plugin\'s own keys under its prefix', () => {
  const props = { ...base, transforms: 'a', 'transforms.a.type': 'com.example.RenameTopic', 'transforms.a.suffix': '-x' };
  const parsed = parseConnectorConfig(def, props, registry);
  assert.deepEqual(parsed.errors, {});
  assert.equal(parsed.settings['transforms.a.suffix'], '-x');
  assert.equal(parsed.settings['transforms.a.times'], 1);
  assert.equal(parsed.settings['transforms.a.negate'], false);
  const infos = validateConfigInfos('x', connectorConfigDef(def, props, registry), props);
  const names = infos.configs.map((c) => c.definition.name);
  for (const k of ['transforms.a.type', 'transforms.a.predicate', 'transforms.a.negate', 'transforms.a.suffix', 'transforms.a.times']) assert.ok(names.includes(k), k);
  assert.ok(infos.groups.includes('Transforms: a'));
});

test('an unknown class, a missing type and a missing required plugin key are errors on their keys, as Connect reports them', () => {
  const unknown = parse({ transforms: 'a', 'transforms.a.type': 'com.example.Nope' });
  assert.match(unknown.errors['transforms.a.type']![0]!, /Invalid value com.example.Nope for configuration transforms.a.type: Class com.example.Nope could not be found./);
  const missing = parse({ transforms: 'a' });
  assert.match(missing.errors['transforms.a.type']![0]!, /Missing required configuration "transforms.a.type"/);
  const noSuffix = parse({ transforms: 'a', 'transforms.a.type': 'com.example.RenameTopic' });
  assert.match(noSuffix.errors['transforms.a.suffix']![0]!, /Missing required configuration "transforms.a.suffix"/);
  assert.match(parse({ transforms: 'a,a' }).errors['transforms']![0]!, /Duplicate alias provided/);
});

test('a plugin\'s own checks run on its prefixed keys', () => {
  const low = parse({ transforms: 'a', 'transforms.a.type': 'com.example.RenameTopic', 'transforms.a.suffix': '-x', 'transforms.a.times': '0' });
  assert.match(low.errors['transforms.a.times']![0]!, /Value must be at least 1/);
  const bad = parse({ transforms: 'a', 'transforms.a.type': 'com.example.RenameTopic', 'transforms.a.suffix': 'bad' });
  assert.match(bad.errors['transforms.a.suffix']![0]!, /"bad" is not a suffix/);
});

test('predicates: type by class or alias; a transform naming an undefined predicate, or negate without one, is an error', () => {
  const ok = parse({ transforms: 'a', 'transforms.a.type': 'com.example.RenameTopic', 'transforms.a.suffix': '-x', 'transforms.a.predicate': 'p', 'transforms.a.negate': 'true', predicates: 'p', 'predicates.p.type': 'Always' });
  assert.deepEqual(ok.errors, {});
  const undefinedPredicate = parse({ transforms: 'a', 'transforms.a.type': 'com.example.RenameTopic', 'transforms.a.suffix': '-x', 'transforms.a.predicate': 'q', predicates: 'p', 'predicates.p.type': 'Always' });
  assert.match(undefinedPredicate.errors['transforms.a.predicate']![0]!, /"q" is not one of the aliases in "predicates"/);
  const negateAlone = parse({ transforms: 'a', 'transforms.a.type': 'com.example.RenameTopic', 'transforms.a.suffix': '-x', 'transforms.a.negate': 'true' });
  assert.match(negateAlone.errors['transforms.a.negate']![0]!, /there is no config 'transforms.a.predicate'/);
  const badPredicate = parse({ predicates: 'p', 'predicates.p.type': 'com.example.Nope' });
  assert.match(badPredicate.errors['predicates.p.type']![0]!, /Class com.example.Nope could not be found/);
});
