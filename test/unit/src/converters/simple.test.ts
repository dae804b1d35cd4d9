import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { field, int32, string, struct } from '../../../../schemas/index.js';
import { parseConnectorConfig } from '../../../../src/connect-api/index.js';
import { converterSettings, createConverter } from '../../../../src/converters/index.js';
import { ConfigError } from '../../../../src/errors/index.js';

const key = struct([field('id', int32()), field('name', string())]);

describe('createConverter: StringConverter, ByteArrayConverter, number converters', () => {
  it('makes them by class name and by Connect\'s aliases', () => {
    for (const name of ['org.apache.kafka.connect.storage.StringConverter', 'StringConverter', 'string']) {
      const c = createConverter({ className: name, props: {}, isKey: true });
      assert.equal(c.fromConnectData('t', key, { id: 1, name: 'x' })!.toString('utf8'), 'Struct{id=1,name=x}');
    }
    const bytes = createConverter({ className: 'ByteArray', props: {}, isKey: false });
    assert.deepEqual(bytes.fromConnectData('t', null, Buffer.from('ab')), Buffer.from('ab'));
    const long = createConverter({ className: 'org.apache.kafka.connect.converters.LongConverter', props: {}, isKey: false });
    assert.equal(long.fromConnectData('t', null, 7n)!.length, 8);
  });

  it('converter.encoding is honoured, and a bad one is a ConfigError naming the prefixed key', () => {
    const c = createConverter({ className: 'StringConverter', props: { 'converter.encoding': 'UTF-16LE' }, isKey: false });
    assert.deepEqual(c.fromConnectData('t', null, 'A'), Buffer.from([65, 0]));
    assert.throws(() => createConverter({ className: 'StringConverter', props: { 'converter.encoding': 'EBCDIC-nope' }, isKey: false }),
      (e: unknown) => e instanceof ConfigError && e.key === 'value.converter.converter.encoding');
  });

  it('the role\'s StringSerializer encoding wins over converter.encoding, as in Connect; serializer.encoding is refused, not ignored', () => {
    const value = createConverter({ className: 'StringConverter', props: { 'converter.encoding': 'UTF-8', 'value.serializer.encoding': 'UTF-16LE', 'key.serializer.encoding': 'UTF-16BE' }, isKey: false });
    assert.deepEqual(value.fromConnectData('t', null, 'A'), Buffer.from([65, 0]));
    const k = createConverter({ className: 'StringConverter', props: { 'value.serializer.encoding': 'UTF-16LE', 'key.serializer.encoding': 'UTF-16BE' }, isKey: true });
    assert.deepEqual(k.fromConnectData('t', null, 'A'), Buffer.from([0, 65]));
    assert.throws(() => createConverter({ className: 'StringConverter', props: { 'key.serializer.encoding': 'nope' }, isKey: true }),
      (e: unknown) => e instanceof ConfigError && e.key === 'key.converter.key.serializer.encoding');
    assert.throws(() => createConverter({ className: 'StringConverter', props: { 'serializer.encoding': 'UTF-8' }, isKey: false }),
      (e: unknown) => e instanceof ConfigError && e.key === 'value.converter.serializer.encoding' && /converter\.encoding/.test(e.message));
  });

  it('a connector\'s own converter wins over the worker\'s, with its settings', () => {
    const s = converterSettings('key.converter', { 'key.converter': 'StringConverter', 'key.converter.converter.encoding': 'latin1' },
      { className: 'org.apache.kafka.connect.json.JsonConverter', props: { 'schemas.enable': 'false' } });
    assert.deepEqual(s, { className: 'org.apache.kafka.connect.storage.StringConverter', props: { 'converter.encoding': 'latin1' } });
  });
});

describe('connector config: converter keys', () => {
  const def = { keys: [] };
  const base = { name: 'c', 'connector.class': 'x' };
  it('a bad converter.encoding is an error on the prefixed key', () => {
    const r = parseConnectorConfig(def, { ...base, 'value.converter': 'org.apache.kafka.connect.storage.StringConverter', 'value.converter.converter.encoding': 'nope' });
    assert.ok(r.errors['value.converter.converter.encoding']?.[0]?.includes('Unsupported encoding'), JSON.stringify(r.errors));
  });
  it('header.converter other than SimpleHeaderConverter is refused (headers are its text)', () => {
    const r = parseConnectorConfig(def, { ...base, 'header.converter': 'org.apache.kafka.connect.json.JsonConverter' });
    assert.ok(r.errors['header.converter'], JSON.stringify(r.errors));
  });
});
