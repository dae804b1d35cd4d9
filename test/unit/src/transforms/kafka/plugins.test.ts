import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kafkaPredicates, kafkaTransformations } from '../../../../../src/transforms/kafka/index.js';

const PREFIX = 'org.apache.kafka.connect.transforms.';

describe('Kafka transform plugins', () => {
  it('lists every built-in transform under its Java class name, $Key and $Value where Connect has both', () => {
    const names = kafkaTransformations.map((p) => p.className.slice(PREFIX.length)).sort();
    assert.deepEqual(names, [
      'Cast$Key', 'Cast$Value', 'DropHeaders', 'ExtractField$Key', 'ExtractField$Value', 'Filter', 'Flatten$Key', 'Flatten$Value',
      'HeaderFrom$Key', 'HeaderFrom$Value', 'HoistField$Key', 'HoistField$Value', 'InsertField$Key', 'InsertField$Value', 'InsertHeader',
      'MaskField$Key', 'MaskField$Value', 'RegexRouter', 'ReplaceField$Key', 'ReplaceField$Value', 'SetSchemaMetadata$Key',
      'SetSchemaMetadata$Value', 'TimestampConverter$Key', 'TimestampConverter$Value', 'TimestampRouter', 'ValueToKey',
    ]);
    assert.deepEqual(kafkaPredicates.map((p) => p.className).sort(), [
      `${PREFIX}predicates.HasHeaderKey`, `${PREFIX}predicates.RecordIsTombstone`, `${PREFIX}predicates.TopicNameMatches`,
    ]);
  });

  it('gives aliases only to single-class plugins (Key and Value are never unique simple names)', () => {
    for (const p of [...kafkaTransformations, ...kafkaPredicates]) {
      const simple = p.className.slice(p.className.lastIndexOf('.') + 1);
      assert.deepEqual(p.aliases, simple.includes('$') ? [] : [simple], p.className);
      assert.equal(p.kind, p.className.includes('.predicates.') ? 'predicate' : 'transformation');
      assert.match(p.version, /^4\.\d+\.\d+$/);
    }
  });

  it('documents every config key', () => {
    for (const p of [...kafkaTransformations, ...kafkaPredicates]) {
      for (const k of p.configDef.keys) assert.ok(k.documentation.length > 10, `${p.className} ${k.name}`);
    }
  });
});
