import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mysqlDefault, postgresDefault } from '../../../schemas/column-default.js';

describe('column defaults', () => {
  it('reads MariaDB and MySQL COLUMN_DEFAULT', () => {
    assert.deepEqual(mysqlDefault("'hello'"), { kind: 'text', text: 'hello' });
    assert.deepEqual(mysqlDefault("'it''s \\\\ ok'"), { kind: 'text', text: "it's \\ ok" });
    assert.deepEqual(mysqlDefault('42'), { kind: 'text', text: '42' });
    assert.deepEqual(mysqlDefault('-7'), { kind: 'text', text: '-7' });
    assert.deepEqual(mysqlDefault('current_timestamp()'), { kind: 'now' });
    assert.deepEqual(mysqlDefault('CURRENT_TIMESTAMP(6)'), { kind: 'now' });
    assert.equal(mysqlDefault('NULL'), null);
    assert.equal(mysqlDefault(null), null);
    assert.equal(mysqlDefault('uuid()'), null);
    assert.deepEqual(mysqlDefault('hello'), { kind: 'text', text: 'hello' }, 'MySQL 8 writes literals unquoted');
    assert.equal(mysqlDefault('(rand())', true), null, 'MySQL 8 DEFAULT_GENERATED expressions have no literal');
  });

  it('reads PostgreSQL default expressions', () => {
    assert.deepEqual(postgresDefault('42'), { kind: 'text', text: '42' });
    assert.deepEqual(postgresDefault("'-7'::bigint"), { kind: 'text', text: '-7' });
    assert.deepEqual(postgresDefault("'hello'::character varying"), { kind: 'text', text: 'hello' });
    assert.deepEqual(postgresDefault("('x'::text)::character varying(10)"), { kind: 'text', text: 'x' });
    assert.deepEqual(postgresDefault("'ok'::mood"), { kind: 'text', text: 'ok' });
    assert.deepEqual(postgresDefault("'2020-02-29'::date"), { kind: 'text', text: '2020-02-29' });
    assert.deepEqual(postgresDefault("'{1,2}'::integer[]"), { kind: 'text', text: '{1,2}' });
    assert.deepEqual(postgresDefault('true'), { kind: 'text', text: 't' });
    assert.deepEqual(postgresDefault('3.50'), { kind: 'text', text: '3.50' });
    assert.deepEqual(postgresDefault('now()'), { kind: 'now' });
    assert.deepEqual(postgresDefault('CURRENT_TIMESTAMP'), { kind: 'now' });
    assert.equal(postgresDefault("nextval('t_id_seq'::regclass)"), null);
    assert.equal(postgresDefault('gen_random_uuid()'), null);
  });
});
