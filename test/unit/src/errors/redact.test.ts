/**
 * maskTokens: a secret is masked where it stands as a whole token, never inside a word.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { maskTokens } from '../../../../src/errors/index.js';

test('short secrets inside words are left alone: "Fix:" survives the passwords x and i', () => {
  const text = 'Access denied. Fix: check the password x; the user i is fine';
  assert.equal(maskTokens(text, ['x', 'i']), 'Access denied. Fix: check the password [hidden]; the user [hidden] is fine');
  assert.equal(maskTokens('Fix: xx, exit', ['x', 'i']), 'Fix: xx, exit');
  assert.equal(maskTokens('x', ['x']), '[hidden]', 'the whole text is a token');
});

test('a secret is masked between separators: in a URL, after =, between quotes and brackets', () => {
  assert.equal(maskTokens('mysql://root:pa$$@db:3306/x?password=pa$$&ssl=1', ['pa$$']), 'mysql://root:[hidden]@db:3306/x?password=[hidden]&ssl=1');
  assert.equal(maskTokens(`login "s3cr3t" 's3cr3t' \`s3cr3t\` (s3cr3t) [s3cr3t] {s3cr3t} <s3cr3t>`, ['s3cr3t']),
    'login "[hidden]" \'[hidden]\' `[hidden]` ([hidden]) [[hidden]] {[hidden]} <[hidden]>');
  assert.equal(maskTokens('a=s3cr3t,b=s3cr3t;c:s3cr3t/s3cr3t', ['s3cr3t']), 'a=[hidden],b=[hidden];c:[hidden]/[hidden]');
  assert.equal(maskTokens('not s3cr3tive, nots3cr3t', ['s3cr3t']), 'not s3cr3tive, nots3cr3t');
});

test('URL-encoded and JSON-escaped forms are masked too', () => {
  assert.equal(maskTokens('url=mysql://u:p%40ss%20w0rd@db/', ['p@ss w0rd']), 'url=mysql://u:[hidden]@db/');
  assert.equal(maskTokens('{"password":"a\\"b"}', ['a"b']), '{"password":"[hidden]"}');
});

test('overlapping secrets are removed whole, and a mask never makes a boundary for another secret', () => {
  assert.equal(maskTokens('abcdef and abc', ['abc', 'abcdef']), '[hidden] and [hidden]');
  assert.equal(maskTokens('one two three', ['one two', 'two three']), '[hidden]');
  assert.equal(maskTokens('x', ['x', 'hidden']), '[hidden]', 'found in the original text, in one pass');
});

test('multi-line values, replacements, and what is not masked', () => {
  assert.equal(maskTokens('file: line one\nline two.', ['line one\nline two']), 'file: [hidden].');
  assert.equal(maskTokens('Invalid value v1 for configuration k', ['v1'], () => '${env:V}'), 'Invalid value ${env:V} for configuration k');
  assert.equal(maskTokens('a  b', [' ', '', '  ']), 'a  b', 'whitespace-only values are no secrets');
  assert.equal(maskTokens('', ['x']), '');
});
