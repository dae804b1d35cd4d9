/**
 * HeaderFrom$Key / HeaderFrom$Value: copies (`operation=copy`) or moves (`move`: also removes them) top-level
 * fields of the key or value into headers, the i-th field into the i-th header, as the header converter writes
 * the field's value (`headerText`: a struct as `{"a":1}`, a string bare). A null key/value passes through.
 *
 * Headers here are a name → text map that cannot hold a null: a null field value removes any header of that name
 * (Kafka would add a header with a null value after it, which readers taking the last header see as null).
 */
import type { ConnectField, ConnectSchema } from '../../../schemas/connect-schema.js';
import { headerText } from '../../../schemas/header-text.js';
import type { ConfigDef } from '../../connect-api/config-def.js';
import {
  asStandalone, fieldValue, findField, mapCopy, mapDelete, mapGet, perSchema, requireMap, requireStruct, structLike, type StructValue,
} from '../schema-tools.js';
import { TransformError, type ChangeRecord, type PluginConfig } from '../types.js';
import { booleanSetting, keyAndValue, onSide, listSetting, nonEmptyList, REPLACE_NULL_WITH_DEFAULT, stringSetting, type RecordSide } from './plugin-kit.js';

const configDef: ConfigDef = {
  keys: [
    { name: 'fields', type: 'LIST', importance: 'HIGH', validate: nonEmptyList, documentation: 'Names of the fields whose values go into headers.' },
    { name: 'headers', type: 'LIST', importance: 'HIGH', validate: nonEmptyList, documentation: 'Names of the headers, in the order of the fields they take.' },
    {
      name: 'operation', type: 'STRING', importance: 'HIGH', allowed: ['move', 'copy'],
      documentation: 'move: the fields go into the headers and are removed from the key/value; copy: they stay.',
    },
    REPLACE_NULL_WITH_DEFAULT,
  ],
};

function validate(config: PluginConfig): Record<string, string[]> {
  if (listSetting(config, 'fields').length !== listSetting(config, 'headers').length) {
    return { headers: ["'fields' config must have the same number of elements as 'headers' config."] };
  }
  return {};
}

function create(side: RecordSide, config: PluginConfig, who: string) {
  const fields = listSetting(config, 'fields');
  const headers = listSetting(config, 'headers');
  const move = stringSetting(config, 'operation') === 'move';
  const replaceNullWithDefault = booleanSetting(config, 'replace.null.with.default', true);
  const purpose = `header ${move ? 'move' : 'copy'}`;

  const plan = perSchema((schema: ConnectSchema) => {
    const sources = fields.map((name): ConnectField => {
      const f = findField(schema, name);
      if (!f) throw new TransformError(`${who}: field ${name} is not in the ${side.name.toLowerCase()} schema ${schema.name ?? ''}`.trimEnd());
      return f;
    });
    const kept = move ? (schema.fields ?? []).filter((f) => !fields.includes(f.field)) : null;
    // A field's schema as a schema of its own is what the header converter writes it with.
    const standalone = sources.map(asStandalone);
    return { sources, standalone, schema: kept ? structLike(schema, kept, who) : schema, kept };
  });

  function withHeaders(record: ChangeRecord, texts: ReadonlyArray<string | null>): Record<string, string | Buffer> {
    const out: Record<string, string | Buffer> = { ...record.headers };
    texts.forEach((text, i) => {
      if (text === null) delete out[headers[i]!];
      else out[headers[i]!] = text;
    });
    return out;
  }

  return onSide(side, (record, schema, value) => {
    if (schema === null) {
      const map = requireMap(value, purpose, who);
      const texts = fields.map((name) => headerText(null, mapGet(map, name) ?? null));
      let updated = map;
      if (move) {
        updated = mapCopy(map);
        for (const name of fields) mapDelete(updated, name);
      }
      return { ...side.with(record, null, updated), headers: withHeaders(record, texts) };
    }
    const row = requireStruct(schema, value, purpose, who);
    const p = plan(schema);
    const texts = p.sources.map((f, i) => headerText(p.standalone[i]!, fieldValue(row, f, replaceNullWithDefault)));
    let updated: StructValue = row;
    if (p.kept) {
      updated = {};
      for (const f of p.kept) updated[f.field] = fieldValue(row, f, replaceNullWithDefault);
    }
    return { ...side.with(record, p.schema, updated), headers: withHeaders(record, texts) };
  });
}

export const headerFromPlugins = keyAndValue('HeaderFrom', { configDef, validate, create });
