/**
 * What GET /connector-plugins shows besides connectors: the converters this service implements, under the
 * class names Connect users know, with their config definitions.
 */
import {
  AVRO_CONVERTER,
  AVRO_CONVERTER_DEF,
  BYTE_ARRAY_CONVERTER,
  commonConnectorConfigDef,
  CONVERTER_TYPE_KEY,
  JSON_CONVERTER,
  JSON_CONVERTER_DEF,
  JSON_SCHEMA_CONVERTER,
  JSON_SCHEMA_CONVERTER_DEF,
  PROTOBUF_CONVERTER,
  PROTOBUF_CONVERTER_DEF,
  NO_SETTINGS_DEF,
  NUMBER_CONVERTERS,
  SIMPLE_HEADER_CONVERTER,
  STRING_CONVERTER,
  STRING_CONVERTER_DEF,
  type ConfigDef,
  type ConnectorPlugin,
} from '../connect-api/index.js';
import type { PluginDescription } from './types.js';

// Connect shows converter.type first in every converter's definition.
const withType = (def: ConfigDef): ConfigDef => ({ keys: [CONVERTER_TYPE_KEY, ...def.keys] });

const EXTRA: ReadonlyArray<{ class: string; type: string; def: ConfigDef }> = [
  { class: JSON_CONVERTER, type: 'converter', def: withType(JSON_CONVERTER_DEF) },
  { class: AVRO_CONVERTER, type: 'converter', def: withType(AVRO_CONVERTER_DEF) },
  { class: JSON_SCHEMA_CONVERTER, type: 'converter', def: withType(JSON_SCHEMA_CONVERTER_DEF) },
  { class: PROTOBUF_CONVERTER, type: 'converter', def: withType(PROTOBUF_CONVERTER_DEF) },
  { class: STRING_CONVERTER, type: 'converter', def: withType(STRING_CONVERTER_DEF) },
  { class: BYTE_ARRAY_CONVERTER, type: 'converter', def: withType(NO_SETTINGS_DEF) },
  ...Object.keys(NUMBER_CONVERTERS).map((cls) => ({ class: cls, type: 'converter', def: withType(NO_SETTINGS_DEF) })),
  { class: SIMPLE_HEADER_CONVERTER, type: 'header_converter', def: withType({ keys: [] }) },
];

export function extraPlugins(version: string): PluginDescription[] {
  return EXTRA.map((p) => ({ class: p.class, type: p.type, version }));
}

/** The def of a non-connector plugin by class name or simple name, or undefined. */
export function extraPluginConfig(name: string): ConfigDef | undefined {
  return EXTRA.find((p) => p.class === name || p.class.endsWith(`.${name}`))?.def;
}

/** As Connect shows a connector's config: its own keys first, then the framework's it does not redefine. */
export function pluginConfigDef(plugin: ConnectorPlugin): ConfigDef {
  const own = new Set(plugin.configDef.keys.map((k) => k.name));
  return { keys: [...plugin.configDef.keys, ...commonConnectorConfigDef.keys.filter((k) => !own.has(k.name))] };
}
