/**
 * Connector configuration definitions, mirroring Kafka Connect's ConfigDef so that
 * `GET /connector-plugins/{plugin}/config` and `PUT .../config/validate` answer in Connect's shapes.
 * A connector declares its keys once; the runtime validates raw string properties against them at the edge
 * and hands the connector typed values.
 */
export type ConfigType = 'BOOLEAN' | 'STRING' | 'INT' | 'SHORT' | 'LONG' | 'DOUBLE' | 'LIST' | 'CLASS' | 'PASSWORD';
export type Importance = 'HIGH' | 'MEDIUM' | 'LOW';
export type Width = 'NONE' | 'SHORT' | 'MEDIUM' | 'LONG';

/** A parsed config value. LIST → string[]; INT/SHORT/LONG/DOUBLE → number; BOOLEAN → boolean; others → string. */
export type ConfigValue = string | number | boolean | string[] | null;

export interface ConfigKeyDef {
  name: string;
  type: ConfigType;
  documentation: string;
  importance?: Importance;
  /** Absent means required (no default). `null` means optional with no value. */
  default?: ConfigValue;
  group?: string;
  orderInGroup?: number;
  width?: Width;
  displayName?: string;
  /** Allowed values (case-insensitive for STRING), listed as recommended values in validate output. */
  allowed?: readonly string[];
  /** Other spellings accepted for a value, e.g. `schema_only` → `no_data`. Keys are lower-case. */
  valueAliases?: Readonly<Record<string, string>>;
  /** Extra check on the parsed value; returns an error message or undefined. */
  validate?: (value: ConfigValue, all: Readonly<Record<string, ConfigValue>>) => string | undefined;
  /** Accepted for compatibility with Debezium configs but has no effect here; validate reports it. */
  ignoredBecause?: string;
}

export interface ConfigDef {
  keys: readonly ConfigKeyDef[];
  /** Key prefixes passed through without validation (e.g. `driver.`, `transforms.`). */
  passthroughPrefixes?: readonly string[];
}

/** Connect's validate response (`PUT /connector-plugins/{plugin}/config/validate`). */
export interface ConfigInfos {
  name: string;
  error_count: number;
  groups: string[];
  configs: ConfigInfo[];
}

export interface ConfigInfo {
  definition: {
    name: string;
    type: ConfigType;
    required: boolean;
    default_value: string | null;
    importance: Importance;
    documentation: string;
    group: string | null;
    width: Width;
    display_name: string;
    dependents: string[];
    order: number;
  };
  value: {
    name: string;
    value: string | null;
    recommended_values: string[];
    errors: string[];
    visible: boolean;
  };
}
