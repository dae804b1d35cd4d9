import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeConfigKeys } from '../../../../../src/connect-api/index.js';
import { debeziumTransformations } from '../../../../../src/transforms/debezium/index.js';

describe('Debezium transformation plugins', () => {
  it('lists each transform once under its Debezium class name, with its simple name as alias', () => {
    assert.deepEqual(debeziumTransformations.map((p) => [p.className, p.aliases]), [
      ['io.debezium.transforms.ExtractNewRecordState', ['ExtractNewRecordState']],
      ['io.debezium.transforms.ByLogicalTableRouter', ['ByLogicalTableRouter']],
      ['io.debezium.transforms.outbox.EventRouter', ['EventRouter']],
      ['io.debezium.transforms.HeaderToValue', ['HeaderToValue']],
    ]);
    for (const p of debeziumTransformations) {
      assert.equal(p.kind, 'transformation');
      assert.match(p.version, /^3\.\d+\.\d+\.Final$/);
    }
  });

  it('documents every key once, in the shape GET /connector-plugins/{class}/config shows', () => {
    for (const p of debeziumTransformations) {
      const keys = describeConfigKeys(p.configDef);
      assert.equal(new Set(keys.map((k) => k.name)).size, keys.length, `${p.className}: duplicate keys`);
      for (const k of keys) assert.ok(k.documentation.length > 10, `${p.className} ${k.name} is documented`);
    }
  });
});
