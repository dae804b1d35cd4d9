/**
 * What Kafka's built-in transforms have in common: the `$Key`/`$Value` pair of classes that do the same work on the
 * record key or value, the class name prefix, the version they report, and keys several of them share.
 */
import type { ConnectSchema } from '../../../schemas/connect-schema.js';
import type { ConfigDef, ConfigKeyDef } from '../../connect-api/config-def.js';
import type {
  ChangeRecord, PluginConfig, Predicate, PredicatePlugin, Transformation, TransformationPlugin,
} from '../types.js';

export const TRANSFORMS_PACKAGE = 'org.apache.kafka.connect.transforms';
/** The Kafka release whose transform behaviour these reproduce; Connect reports it as each transform's version. */
export const KAFKA_TRANSFORMS_VERSION = '4.1.0';

/** The part of a record a `$Key` or `$Value` transform works on. */
export interface RecordSide {
  readonly name: 'Key' | 'Value';
  schema(record: ChangeRecord): ConnectSchema | null;
  value(record: ChangeRecord): unknown;
  /** A shallow copy of `record` with this side replaced. */
  with(record: ChangeRecord, schema: ConnectSchema | null, value: unknown): ChangeRecord;
}

export const KEY_SIDE: RecordSide = {
  name: 'Key',
  schema: (r) => r.keySchema,
  value: (r) => r.key,
  with: (r, keySchema, key) => ({ ...r, keySchema, key }),
};

export const VALUE_SIDE: RecordSide = {
  name: 'Value',
  schema: (r) => r.valueSchema,
  value: (r) => r.value,
  with: (r, valueSchema, value) => ({ ...r, valueSchema, value }),
};

/**
 * A `$Key`/`$Value` transform that works on a present key or value: a null one (a tombstone's value, a keyless
 * record's key) passes through unchanged, as in Connect. `schema` is null for schemaless data.
 */
export function onSide(
  side: RecordSide, transform: (record: ChangeRecord, schema: ConnectSchema | null, value: NonNullable<unknown>) => ChangeRecord,
): Transformation {
  return {
    apply(record) {
      const value = side.value(record);
      if (value === null || value === undefined) return record;
      return transform(record, side.schema(record), value);
    },
  };
}

export interface SidedTransform {
  configDef: ConfigDef;
  validate?(config: PluginConfig): Record<string, string[]>;
  /** `who` is the short class name (`ReplaceField$Value`) that error messages start with. */
  create(side: RecordSide, config: PluginConfig, who: string): Transformation;
}

/**
 * The `$Key` and `$Value` plugins of one transform. Neither gets an alias: Connect derives aliases from the simple
 * class name (`Key`, `Value`), which every such pair shares, so they are never unique.
 */
export function keyAndValue(simpleName: string, spec: SidedTransform): TransformationPlugin[] {
  return [KEY_SIDE, VALUE_SIDE].map((side) => {
    const who = `${simpleName}$${side.name}`;
    const plugin: TransformationPlugin = {
      kind: 'transformation',
      className: `${TRANSFORMS_PACKAGE}.${who}`,
      aliases: [],
      version: KAFKA_TRANSFORMS_VERSION,
      configDef: spec.configDef,
      create: (config) => spec.create(side, config, who),
    };
    if (spec.validate) plugin.validate = spec.validate;
    return plugin;
  });
}

/**
 * A transform with a single class. Connect's alias is its simple name (or the name without a `Transformation`
 * suffix) when no other plugin the worker knows has the same one; the plugin registry drops an alias two plugins
 * claim, as Connect does.
 */
export function singleTransform(
  simpleName: string, configDef: ConfigDef, create: (config: PluginConfig) => Transformation,
  validate?: (config: PluginConfig) => Record<string, string[]>,
): TransformationPlugin {
  const plugin: TransformationPlugin = {
    kind: 'transformation', className: `${TRANSFORMS_PACKAGE}.${simpleName}`, aliases: [simpleName],
    version: KAFKA_TRANSFORMS_VERSION, configDef, create,
  };
  if (validate) plugin.validate = validate;
  return plugin;
}

export function predicatePlugin(
  simpleName: string, configDef: ConfigDef, create: (config: PluginConfig) => Predicate,
): PredicatePlugin {
  return {
    kind: 'predicate', className: `${TRANSFORMS_PACKAGE}.predicates.${simpleName}`, aliases: [simpleName],
    version: KAFKA_TRANSFORMS_VERSION, configDef, create,
  };
}

/** KIP-1040's key (Kafka 3.8+) on the transforms that copy struct values. */
export const REPLACE_NULL_WITH_DEFAULT: ConfigKeyDef = {
  name: 'replace.null.with.default', type: 'BOOLEAN', default: true, importance: 'MEDIUM',
  documentation: 'Whether a null field that has a default value in its schema is read as that default (true) or '
    + 'kept null (false), as the JSON converter setting of the same name does.',
};

export function stringSetting(config: PluginConfig, key: string): string | null {
  const v = config.settings[key];
  return typeof v === 'string' ? v : null;
}

export function listSetting(config: PluginConfig, key: string): string[] {
  const v = config.settings[key];
  return Array.isArray(v) ? v : [];
}

export function booleanSetting(config: PluginConfig, key: string, fallback: boolean): boolean {
  const v = config.settings[key];
  return typeof v === 'boolean' ? v : fallback;
}

/** ConfigDef check for a list key that must not be empty (Connect's NonEmptyListValidator wording). */
export function nonEmptyList(value: unknown): string | undefined {
  return Array.isArray(value) && value.length === 0 ? 'Empty list' : undefined;
}

/** ConfigDef check for a list without blank or repeated entries. */
export function distinctNames(value: unknown): string | undefined {
  if (!Array.isArray(value)) return undefined;
  if (value.length === 0) return 'Empty list';
  if (value.some((v) => v === '')) return 'Blank names are not allowed';
  const dup = value.find((v, i) => value.indexOf(v) !== i);
  return dup === undefined ? undefined : `Values must not be duplicated: ${dup}`;
}

/** ConfigDef check for a string that must not be empty (Connect's NonEmptyString wording). */
export function nonEmptyString(value: unknown): string | undefined {
  return value === '' ? 'String must be non-empty' : undefined;
}
