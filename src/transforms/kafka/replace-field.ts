/**
 * ReplaceField$Key / ReplaceField$Value: keeps (include), drops (exclude, which wins) and renames top-level fields
 * of a struct or schemaless map. A null key/value passes through.
 *
 * `whitelist`/`blacklist`, the old names of include/exclude, are gone from Kafka 4; since a setting we cannot
 * honour must not be silently ignored, validate refuses them with the new name.
 */
import { field } from '../../../schemas/builders.js';
import type { ConnectField, ConnectSchema } from '../../../schemas/connect-schema.js';
import type { ConfigDef } from '../../connect-api/config-def.js';
import {
  fieldValue, mapEmpty, mapEntries, mapSet, perSchema, requireMap, requireStruct, structLike, type StructValue,
} from '../schema-tools.js';
import type { ChangeRecord, PluginConfig } from '../types.js';
import { booleanSetting, keyAndValue, onSide, listSetting, REPLACE_NULL_WITH_DEFAULT, type RecordSide } from './plugin-kit.js';

/** `old:new` pairs, or the first entry that is not exactly two colon-separated parts. */
export function parseRenames(list: readonly string[]): Map<string, string> | { bad: string } {
  const renames = new Map<string, string>();
  for (const mapping of list) {
    // Java's String.split drops trailing empty parts, so "a:" is one part and invalid.
    const parts = mapping.split(':');
    while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
    if (parts.length !== 2) return { bad: mapping };
    renames.set(parts[0]!, parts[1]!);
  }
  return renames;
}

const configDef: ConfigDef = {
  keys: [
    { name: 'exclude', type: 'LIST', default: [], importance: 'MEDIUM', documentation: 'Fields to drop. Takes precedence over include.' },
    { name: 'include', type: 'LIST', default: [], importance: 'MEDIUM', documentation: 'Fields to keep; when set, every other field is dropped.' },
    {
      name: 'renames', type: 'LIST', default: [], importance: 'MEDIUM',
      documentation: 'Field renames as colon-separated pairs, e.g. foo:bar,abc:xyz.',
      validate: (v) => {
        const parsed = parseRenames(Array.isArray(v) ? v : []);
        return 'bad' in parsed ? `Invalid rename mapping: ${parsed.bad}` : undefined;
      },
    },
    REPLACE_NULL_WITH_DEFAULT,
  ],
};

const REMOVED: Readonly<Record<string, string>> = { whitelist: 'include', blacklist: 'exclude' };

function validate(config: PluginConfig): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const [old, now] of Object.entries(REMOVED)) {
    if (config.props[old] !== undefined) errors[old] = [`"${old}" was removed in Kafka 4.0 and has no effect; use "${now}"`];
  }
  return errors;
}

const PURPOSE = 'field replacement';

function create(side: RecordSide, config: PluginConfig, who: string) {
  const exclude = new Set(listSetting(config, 'exclude'));
  const include = new Set(listSetting(config, 'include'));
  const parsed = parseRenames(listSetting(config, 'renames'));
  const renames = parsed instanceof Map ? parsed : new Map<string, string>();
  const replaceNullWithDefault = booleanSetting(config, 'replace.null.with.default', true);

  const keep = (name: string) => !exclude.has(name) && (include.size === 0 || include.has(name));
  const renamed = (name: string) => renames.get(name) ?? name;

  const plan = perSchema((schema: ConnectSchema) => {
    const moves: Array<{ from: ConnectField; to: string }> = [];
    for (const f of schema.fields ?? []) if (keep(f.field)) moves.push({ from: f, to: renamed(f.field) });
    const fields = moves.map((m) => (m.to === m.from.field ? m.from : field(m.to, m.from)));
    return { schema: structLike(schema, fields, who), moves };
  });

  return onSide(side, (record, schema, value) => {
    if (schema === null) {
      const map = requireMap(value, PURPOSE, who);
      const out = mapEmpty(map);
      for (const [k, v] of mapEntries(map)) if (keep(k)) mapSet(out, renamed(k), v);
      return side.with(record, null, out);
    }
    const row = requireStruct(schema, value, PURPOSE, who);
    const p = plan(schema);
    const out: StructValue = {};
    for (const m of p.moves) out[m.to] = fieldValue(row, m.from, replaceNullWithDefault);
    return side.with(record, p.schema, out);
  });
}

export const replaceFieldPlugins = keyAndValue('ReplaceField', { configDef, validate, create });
