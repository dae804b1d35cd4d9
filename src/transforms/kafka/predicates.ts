/**
 * Kafka's predicates (org.apache.kafka.connect.transforms.predicates.*), which make a transform apply only to some
 * records (`transforms.<t>.predicate`, `negate`): TopicNameMatches, HasHeaderKey, RecordIsTombstone.
 */
import type { ConfigDef } from '../../connect-api/config-def.js';
import type { ChangeRecord, PluginConfig } from '../types.js';
import { compileJavaRegex, type JavaPattern } from './java-regex.js';
import { nonEmptyString, predicatePlugin, stringSetting } from './plugin-kit.js';

const topicNameMatchesDef: ConfigDef = {
  keys: [{
    name: 'pattern', type: 'STRING', importance: 'MEDIUM', documentation: 'A Java regular expression the whole topic name must match.',
    validate: (v) => {
      if (typeof v !== 'string') return undefined;
      const compiled = compileJavaRegex(v);
      return nonEmptyString(v) ?? ('error' in compiled ? compiled.error : undefined);
    },
  }],
};

/** True when the whole topic name matches `pattern`. */
export const topicNameMatchesPlugin = predicatePlugin('TopicNameMatches', topicNameMatchesDef, (config: PluginConfig) => {
  const pattern = compileJavaRegex(stringSetting(config, 'pattern') ?? '') as JavaPattern;
  const verdicts = new Map<string, boolean>();
  return {
    test(record: ChangeRecord): boolean {
      let v = verdicts.get(record.topic);
      if (v === undefined) {
        v = pattern.whole.test(record.topic);
        if (verdicts.size < 1024) verdicts.set(record.topic, v);
      }
      return v;
    },
  };
});

const hasHeaderKeyDef: ConfigDef = {
  keys: [{ name: 'name', type: 'STRING', importance: 'MEDIUM', validate: nonEmptyString, documentation: 'The header name.' }],
};

/** True when the record has a header named `name` (whatever its value). */
export const hasHeaderKeyPlugin = predicatePlugin('HasHeaderKey', hasHeaderKeyDef, (config: PluginConfig) => {
  const name = stringSetting(config, 'name') ?? '';
  return { test: (record: ChangeRecord) => record.headers !== undefined && Object.hasOwn(record.headers, name) };
});

/** True for a tombstone: a record whose value is null. */
export const recordIsTombstonePlugin = predicatePlugin('RecordIsTombstone', { keys: [] }, () => ({
  test: (record: ChangeRecord) => record.value === null || record.value === undefined,
}));
