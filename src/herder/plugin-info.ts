/**
 * What GET /connector-plugins shows besides connectors: the converters this service implements, under the
 * class names Connect users know, with their config definitions.
 */
import {
  commonConnectorConfigDef,
  JSON_CONVERTER,
  SIMPLE_HEADER_CONVERTER,
  type ConfigDef,
  type ConnectorPlugin,
} from '../connect-api/index.js';
import type { PluginDescription } from './types.js';

const CONVERTER_TYPE = {
  name: 'converter.type',
  type: 'STRING' as const,
  importance: 'LOW' as const,
  allowed: ['key', 'value', 'header'],
  documentation: 'How this converter will be used.',
};

const JSON_CONVERTER_DEF: ConfigDef = {
  keys: [
    CONVERTER_TYPE,
    { name: 'schemas.enable', type: 'BOOLEAN', default: true, importance: 'HIGH', group: 'Schemas', orderInGroup: 1, width: 'MEDIUM', displayName: 'Enable Schemas',
      documentation: 'Include schemas within each of the serialized values and keys.' },
  ],
};

const HEADER_CONVERTER_DEF: ConfigDef = { keys: [CONVERTER_TYPE] };

const EXTRA: ReadonlyArray<{ class: string; type: string; def: ConfigDef }> = [
  { class: JSON_CONVERTER, type: 'converter', def: JSON_CONVERTER_DEF },
  { class: SIMPLE_HEADER_CONVERTER, type: 'header_converter', def: HEADER_CONVERTER_DEF },
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
