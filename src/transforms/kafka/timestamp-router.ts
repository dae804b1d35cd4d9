/**
 * TimestampRouter: routes each record to a topic named after its topic and timestamp, `topic.format` with
 * `${topic}` and `${timestamp}` filled in, the timestamp written with `timestamp.format` (a Java SimpleDateFormat
 * pattern, in UTC), e.g. `customers-20240131`.
 *
 * Connect fails a record without a timestamp. Our connectors leave the timestamp to the producer, which stamps
 * the time of sending, so a record without one is routed by the current time: the timestamp Kafka will give it.
 */
import type { ConfigDef } from '../../connect-api/config-def.js';
import type { ChangeRecord, PluginConfig } from '../types.js';
import { compileDatePattern, formatDate, type DatePattern } from './java-date-format.js';
import { singleTransform, stringSetting } from './plugin-kit.js';

const configDef: ConfigDef = {
  keys: [
    {
      name: 'topic.format', type: 'STRING', default: '${topic}-${timestamp}', importance: 'HIGH',
      documentation: 'The new topic name; ${topic} and ${timestamp} stand for the record\'s topic and formatted timestamp.',
    },
    {
      name: 'timestamp.format', type: 'STRING', default: 'yyyyMMdd', importance: 'HIGH',
      documentation: 'How ${timestamp} is written: a java.text.SimpleDateFormat pattern, applied in UTC.',
      validate: (v) => {
        if (typeof v !== 'string') return undefined;
        const compiled = compileDatePattern(v);
        return 'error' in compiled ? compiled.error : undefined;
      },
    },
  ],
};

function create(config: PluginConfig) {
  const topicFormat = stringSetting(config, 'topic.format') ?? '${topic}-${timestamp}';
  const pattern = compileDatePattern(stringSetting(config, 'timestamp.format') ?? 'yyyyMMdd') as DatePattern;
  // Most records of a task share a topic and a day: remember the last name made.
  let last = { topic: '', stamp: '', routed: '' };

  return {
    apply(record: ChangeRecord): ChangeRecord {
      const stamp = formatDate(pattern, record.timestamp ?? Date.now());
      if (record.topic !== last.topic || stamp !== last.stamp) {
        last = { topic: record.topic, stamp, routed: topicFormat.replaceAll('${topic}', record.topic).replaceAll('${timestamp}', stamp) };
      }
      return { ...record, topic: last.routed };
    },
  };
}

export const timestampRouterPlugin = singleTransform('TimestampRouter', configDef, create);
