/**
 * InsertHeader and DropHeaders: set a header with a fixed value on every record, or remove headers by name.
 *
 * Headers here are a map from name to the text the header converter writes (see `headerText` in schemas/), so a
 * name holds one value: InsertHeader replaces a header of the same name where Kafka would add a second one.
 * `value.literal` is written as given. Connect parses it (`Values.parseString`) and the header converter writes
 * the parsed value back: the same text for strings, booleans and integers, while decimals, lists and maps may
 * come out spelled differently (e.g. `[1, 2]` as `[1,2]`).
 */
import type { ConfigDef } from '../../connect-api/config-def.js';
import type { ChangeRecord, PluginConfig } from '../types.js';
import { listSetting, nonEmptyList, singleTransform, stringSetting } from './plugin-kit.js';

const insertHeaderDef: ConfigDef = {
  keys: [
    { name: 'header', type: 'STRING', importance: 'HIGH', documentation: 'The name of the header.' },
    { name: 'value.literal', type: 'STRING', importance: 'HIGH', documentation: 'The literal value to set as the header value on every record.' },
  ],
};

export const insertHeaderPlugin = singleTransform('InsertHeader', insertHeaderDef, (config: PluginConfig) => {
  const name = stringSetting(config, 'header') ?? '';
  const literal = stringSetting(config, 'value.literal') ?? '';
  return {
    apply: (record: ChangeRecord): ChangeRecord => ({ ...record, headers: { ...record.headers, [name]: literal } }),
  };
});

const dropHeadersDef: ConfigDef = {
  keys: [{ name: 'headers', type: 'LIST', importance: 'HIGH', validate: nonEmptyList, documentation: 'The names of the headers to remove.' }],
};

export const dropHeadersPlugin = singleTransform('DropHeaders', dropHeadersDef, (config: PluginConfig) => {
  const names = listSetting(config, 'headers');
  return {
    apply(record: ChangeRecord): ChangeRecord {
      const headers = record.headers;
      if (headers === undefined || !names.some((n) => Object.hasOwn(headers, n))) return record;
      const kept = { ...headers };
      for (const n of names) delete kept[n];
      return { ...record, headers: kept };
    },
  };
});
