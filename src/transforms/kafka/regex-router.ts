/**
 * RegexRouter: renames the topic when the whole topic name matches `regex` (Java syntax), to `replacement` with
 * `$1`-style group references, as Java's `replaceFirst` does. Other records keep their topic.
 */
import type { ConfigDef } from '../../connect-api/config-def.js';
import type { ChangeRecord, PluginConfig } from '../types.js';
import { compileJavaRegex, compileJavaReplacement, replaceFirst, type JavaPattern } from './java-regex.js';
import { singleTransform, stringSetting } from './plugin-kit.js';

const configDef: ConfigDef = {
  keys: [
    {
      name: 'regex', type: 'STRING', importance: 'HIGH', documentation: 'Java regular expression the whole topic name must match.',
      validate: (v) => (typeof v === 'string' ? errorOf(compileJavaRegex(v)) : undefined),
    },
    { name: 'replacement', type: 'STRING', importance: 'HIGH', documentation: 'The new topic name; $1, $2… or ${name} insert groups of the match.' },
  ],
};

function errorOf(result: object): string | undefined {
  return 'error' in result ? String(result.error) : undefined;
}

function validate(config: PluginConfig): Record<string, string[]> {
  const pattern = compileJavaRegex(stringSetting(config, 'regex') ?? '');
  if ('error' in pattern) return {};
  const parts = compileJavaReplacement(stringSetting(config, 'replacement') ?? '', pattern);
  return 'error' in parts ? { replacement: [`Invalid replacement for the regex's groups: ${parts.error}`] } : {};
}

/** Connect keeps one router per task; a task writes to a few topics, so their new names are remembered. */
const MAX_REMEMBERED = 1024;

function create(config: PluginConfig) {
  const pattern = compileJavaRegex(stringSetting(config, 'regex') ?? '') as JavaPattern;
  const parts = compileJavaReplacement(stringSetting(config, 'replacement') ?? '', pattern);
  const routed = new Map<string, string>();

  function route(topic: string): string {
    let to = routed.get(topic);
    if (to === undefined) {
      to = !Array.isArray(parts) || !pattern.whole.test(topic) ? topic : replaceFirst(pattern, parts, topic) ?? topic;
      if (routed.size < MAX_REMEMBERED) routed.set(topic, to);
    }
    return to;
  }

  return {
    apply(record: ChangeRecord): ChangeRecord {
      const topic = route(record.topic);
      return topic === record.topic ? record : { ...record, topic };
    },
  };
}

export const regexRouterPlugin = singleTransform('RegexRouter', configDef, create, validate);
