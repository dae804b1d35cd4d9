import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileJavaRegex, compileJavaReplacement, replaceFirst, type JavaPattern } from '../../../../../src/transforms/kafka/java-regex.js';
import { change, configErrors, configure, run, transformation } from './fixtures.js';

function javaReplace(regex: string, replacement: string, input: string): string | undefined {
  const p = compileJavaRegex(regex) as JavaPattern;
  const parts = compileJavaReplacement(replacement, p);
  assert.ok(Array.isArray(parts), JSON.stringify(parts));
  return p.whole.test(input) ? replaceFirst(p, parts, input) : undefined;
}

describe('RegexRouter', () => {
  it('routes dbserver1.inventory.customers to customers with $3', () => {
    const t = configure('RegexRouter', { regex: '([^.]+)\\.([^.]+)\\.([^.]+)', replacement: '$3' });
    const record = change('c', 1);
    const out = run(t, record);
    assert.equal(out.topic, 'customers');
    assert.deepEqual({ ...out, topic: record.topic }, record, 'only the topic changes');
    assert.equal(run(t, { ...record, topic: 'dbserver1.inventory.orders' }).topic, 'orders');
  });

  it('leaves a topic that does not match as a whole (Java matches(), not find())', () => {
    const t = configure('RegexRouter', { regex: 'inventory', replacement: 'x' });
    const record = change('c', 1);
    assert.equal(t.apply(record), record);
  });

  it('follows Java replacement syntax', () => {
    assert.equal(javaReplace('(?<db>\\w+)\\.(\\w+)', '${db}_$2', 'shop.orders'), 'shop_orders');
    assert.equal(javaReplace('(a)(b)', '$12', 'ab'), 'a2', '$12 with two groups is group 1 then "2"');
    assert.equal(javaReplace('(.*)', 'cost\\$$1', 'x'), 'cost$x');
    assert.equal(javaReplace('(a)|(b)', '[$2]', 'a'), '[]', 'a group that did not take part gives nothing');
    // replaceFirst searches again: the first match of a|ab in "ab" is "a".
    assert.equal(javaReplace('a|ab', 'X', 'ab'), 'Xb');
  });

  it('translates Java-only syntax it can, and refuses what would match differently', () => {
    assert.equal(javaReplace('(?i)SHOP\\.(.*)', '$1', 'shop.Orders'), 'Orders');
    assert.equal(javaReplace('\\Qa.b\\E(.*)', '$1', 'a.bc'), 'c');
    assert.equal(javaReplace('a.b(.*)', '$1', 'axbc'), 'c');
    assert.equal(javaReplace('\\Qa.b\\E(.*)', '$1', 'axbc'), undefined);
    assert.equal(javaReplace('(?m)a', 'x', 'a\nb'), undefined, 'the whole input must match, even with (?m)');
    assert.equal(javaReplace('\\Aa(.)\\z', '$1', 'ab'), 'b');
    for (const bad of ['a++', '(?>a)', '\\p{Alpha}', 'a(?i)b', '[a-z&&[^b]]', '(', '\\y']) {
      assert.ok('error' in compileJavaRegex(bad), bad);
    }
  });

  it('refuses an invalid regex and a replacement naming groups the regex lacks', () => {
    const plugin = transformation('RegexRouter');
    assert.match(configErrors(plugin, { regex: '(', replacement: 'x' })['regex']![0]!, /^Invalid value \( for configuration regex: Invalid regex/);
    assert.deepEqual(configErrors(plugin, { regex: '(a)', replacement: '$2' }), { replacement: ["Invalid replacement for the regex's groups: No group 2"] });
    assert.match(configErrors(plugin, { regex: '(a)', replacement: '${x}' })['replacement']![0]!, /No group with name \{x\}/);
    assert.match(configErrors(plugin, { regex: '(a)', replacement: 'cost$' })['replacement']![0]!, /Illegal group reference/);
    assert.deepEqual(plugin.aliases, ['RegexRouter']);
  });
});
