import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProperties } from '../../../../src/config-providers/index.js';
import { ConfigError } from '../../../../src/errors/index.js';

test('the three separators, and whitespace around them', () => {
  assert.deepEqual(parseProperties('a=1\nb: 2\nc 3\n  d   =   4\ne\t:\t5\nf  g h'), { a: '1', b: '2', c: '3', d: '4', e: '5', f: 'g h' });
});

test('only the first separator splits; later ones belong to the value', () => {
  assert.deepEqual(parseProperties('url=jdbc:mysql://h:3306/db?a=b\nk : v : w'), { url: 'jdbc:mysql://h:3306/db?a=b', k: 'v : w' });
});

test('comments with # and !, blank lines, and a key with no value', () => {
  assert.deepEqual(parseProperties('# comment\n! also comment\n   # indented comment\n\n   \nempty\nempty2=\n'), { empty: '', empty2: '' });
});

test('# or ! after the start of a line is content, not a comment', () => {
  assert.deepEqual(parseProperties('pw=a#b!c'), { pw: 'a#b!c' });
});

test('trailing whitespace in a value is kept; leading is not', () => {
  assert.deepEqual(parseProperties('k =   v  '), { k: 'v  ' });
});

test('line continuations drop the next line\'s leading whitespace', () => {
  assert.deepEqual(parseProperties('list=a,\\\n    b,\\\n\tc\nnext=1'), { list: 'a,b,c', next: '1' });
});

test('an even number of trailing backslashes is an escaped backslash, not a continuation', () => {
  assert.deepEqual(parseProperties('path=C:\\\\dir\\\\\nnext=1'), { path: 'C:\\dir\\', next: '1' });
});

test('a comment line ending in a backslash does not continue', () => {
  assert.deepEqual(parseProperties('# comment \\\nk=v'), { k: 'v' });
});

test('a continuation line that starts with # is content', () => {
  assert.deepEqual(parseProperties('k=a\\\n  #b'), { k: 'a#b' });
});

test('a continuation at the end of input ends the value', () => {
  assert.deepEqual(parseProperties('k=v\\'), { k: 'v' });
});

test('escapes: \\t \\n \\r \\f, \\uXXXX, and an escaped separator or space in keys', () => {
  assert.deepEqual(parseProperties('tab=a\\tb\nnl=a\\nb\ncr=\\r\nff=\\f\nuni=caf\\u00e9 \\u2603\nmy\\ key\\=x\\:y=v\nother=\\q\\\\'), {
    tab: 'a\tb', nl: 'a\nb', cr: '\r', ff: '\f', uni: 'café ☃', 'my key=x:y': 'v', other: 'q\\',
  });
});

test('CRLF and CR line endings, and a BOM', () => {
  assert.deepEqual(parseProperties('\uFEFFa=1\r\nb=2\rc=3\r\n'), { a: '1', b: '2', c: '3' });
});

test('a later duplicate wins, as in Java', () => {
  assert.deepEqual(parseProperties('k=1\nk=2'), { k: '2' });
});

test('a malformed \\u escape is a ConfigError with the source and line', () => {
  assert.throws(
    () => parseProperties('ok=1\nbad=\\u12G4', '/etc/worker.properties'),
    (err: unknown) => err instanceof ConfigError && /\/etc\/worker\.properties, line 2: Malformed \\uxxxx encoding/.test(err.message),
  );
});

test('a value with = signs and a JAAS config survives intact', () => {
  const text = 'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\\n    username="u" password="p=w";';
  assert.deepEqual(parseProperties(text), {
    'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p=w";',
  });
});
