import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../../../../src/connect-api/index.js';
import { MYSQL_CONFIG_DEF } from '../../../../../src/connectors/mysql/config.js';
import { postgresConfigDef } from '../../../../../src/connectors/postgres/config.js';
import { nameAdjustmentKeys } from '../../../../../src/connectors/shared/name-adjustment-config.js';

test('schema.name.adjustment.mode and field.name.adjustment.mode: none (default), avro, avro_unicode; connectors accept them', () => {
  const def = { keys: nameAdjustmentKeys('Events', 1) };
  assert.deepEqual(parseConfig(def, {}).settings, { 'schema.name.adjustment.mode': 'none', 'field.name.adjustment.mode': 'none' });
  assert.equal(parseConfig(def, { 'field.name.adjustment.mode': 'AVRO_UNICODE' }).settings['field.name.adjustment.mode'], 'avro_unicode');
  assert.ok(parseConfig(def, { 'schema.name.adjustment.mode': 'bogus' }).errors['schema.name.adjustment.mode']);
  for (const d of [MYSQL_CONFIG_DEF, postgresConfigDef]) assert.ok(d.keys.some((k) => k.name === 'field.name.adjustment.mode'));
});
