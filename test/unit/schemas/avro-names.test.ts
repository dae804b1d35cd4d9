import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adjustFieldName, adjustSchemaName, isValidAvroName, scrubName } from '../../../schemas/avro-names.js';

describe('Debezium name adjustment (schema.name.adjustment.mode / field.name.adjustment.mode)', () => {
  it('avro: invalid characters become _, a leading digit is kept behind it; schema names keep their dots', () => {
    assert.equal(adjustFieldName('my-col', 'avro'), 'my_col');
    assert.equal(adjustFieldName('1abc', 'avro'), '_1abc');
    assert.equal(adjustFieldName('a.b c', 'avro'), 'a_b_c');
    assert.equal(adjustSchemaName('my-server.inventory.order lines.Value', 'avro'), 'my_server.inventory.order_lines.Value');
    assert.equal(adjustFieldName('already_ok1', 'avro'), 'already_ok1');
  });
  it('avro_unicode: invalid characters (and _ itself) become _uXXXX', () => {
    assert.equal(adjustFieldName('my_col', 'avro_unicode'), 'my_u005fcol');
    assert.equal(adjustFieldName('é', 'avro_unicode'), '_u00e9');
    assert.equal(adjustFieldName('1a', 'avro_unicode'), '_u0031a');
    assert.equal(adjustFieldName('a€', 'avro_unicode'), 'a_u20ac');
    assert.equal(adjustSchemaName('a-b.c', 'avro_unicode'), 'a_u002db.c');
  });
  it('none changes nothing', () => {
    assert.equal(adjustFieldName('my-col', 'none'), 'my-col');
    assert.equal(adjustSchemaName('my-server.x', 'none'), 'my-server.x');
  });
});

describe("Confluent's scrub.invalid.names", () => {
  it('URL-encodes, then replaces what is still invalid with _; a leading digit gets an x', () => {
    assert.equal(scrubName('my col'), 'my_col');
    assert.equal(scrubName('a-b'), 'a_b');
    assert.equal(scrubName('é'), '_C3_A9');
    assert.equal(scrubName('1abc'), 'x1abc');
    assert.equal(scrubName('fine_1'), 'fine_1');
  });
  it('valid names', () => {
    assert.ok(isValidAvroName('_a1'));
    assert.ok(!isValidAvroName('1a'));
    assert.ok(!isValidAvroName('a-b'));
    assert.ok(!isValidAvroName(''));
  });
});
