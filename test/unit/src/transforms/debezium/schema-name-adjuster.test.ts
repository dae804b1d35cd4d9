import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { schemaNameAdjuster } from '../../../../../src/transforms/debezium/schema-name-adjuster.js';

describe('schema name adjustment', () => {
  it('none leaves names alone', () => {
    assert.equal(schemaNameAdjuster('none')('1a-b.c'), '1a-b.c');
  });

  it('avro replaces invalid characters with _, keeping a leading digit after it', () => {
    assert.equal(schemaNameAdjuster('avro')('srv.all-shards.t'), 'srv.all_shards.t');
    assert.equal(schemaNameAdjuster('avro')('1a.b'), '_1a.b');
    assert.equal(schemaNameAdjuster('avro')('a_b.c9'), 'a_b.c9');
  });

  it('avro_unicode replaces them (and _) with _uXXXX', () => {
    assert.equal(schemaNameAdjuster('avro_unicode')('a-b_c'), 'a_u002db_u005fc');
    assert.equal(schemaNameAdjuster('avro_unicode')('é'), '_u00e9');
  });
});
