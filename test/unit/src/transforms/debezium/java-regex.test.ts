import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { topicRewrite, topicRewriteProblem } from '../../../../../src/transforms/debezium/java-regex.js';

describe('Java regex topic rewrite (matches + replaceFirst)', () => {
  it('rewrites only when the regex matches the whole name', () => {
    const r = topicRewrite('db\\.(\\w+)', 'all.$1');
    assert.equal(r.rewrite('db.orders'), 'all.orders');
    assert.equal(r.rewrite('xdb.orders'), null);
    assert.equal(r.rewrite('db.orders.x'), null);
  });

  it('replaces the first match find() gives, which may be shorter than the whole name', () => {
    assert.equal(topicRewrite('a|ab', 'X').rewrite('ab'), 'Xb');
  });

  it('reads Java replacement syntax: named groups, escapes, multi-digit group numbers only where the group exists', () => {
    assert.equal(topicRewrite('(?<db>[^.]+)\\.(.*)', '${db}_\\$_$2').rewrite('inv.t'), 'inv_$_t');
    assert.equal(topicRewrite('(a)(b)', '$12').rewrite('ab'), 'a2');
    assert.equal(topicRewrite('(?i)DB\\.(.*)', '$1').rewrite('db.x'), 'x');
  });

  it('reports unusable regexes and replacements', () => {
    assert.match(topicRewriteProblem('(', 'x')!, /Invalid regular expression/);
    assert.match(topicRewriteProblem('(a)', '$x')!, /illegal group reference/);
    assert.match(topicRewriteProblem('(a)', '${b}')!, /no group with name/);
    assert.match(topicRewriteProblem('(a)', 'x\\')!, /escaped/);
    assert.equal(topicRewriteProblem('(a)', '$1'), undefined);
  });
});
