/**
 * Kafka Connect's Single Message Transforms and predicates, on this project's record model.
 *
 * A transform sees a `ChangeRecord` (schemas + plain JS values, see schemas/connect-schema.ts) after the
 * connector and before the converter. It returns the same object when nothing changes, a new record (a shallow
 * copy with the changed parts; never mutate the input, the connector may share values between records), or
 * `null` to drop the record. Headers are the header converter's text (`headerText` in schemas/) keyed by name.
 *
 * Hot path: `apply` runs per record. Anything derived from a schema (a new schema, a field plan) is computed
 * once per input schema object and cached (`WeakMap<ConnectSchema, …>`): connectors share one schema object
 * per table version, and converters cache their writers per schema object, so a transform must return the
 * same output schema object for the same input schema object.
 */
import type { ConfigDef, ConfigValue } from '../connect-api/config-def.js';
import type { ChangeRecord } from '../connect-api/plugin.js';
import { CdcError } from '../errors/index.js';

export type { ChangeRecord };

export interface Transformation {
  apply(record: ChangeRecord): ChangeRecord | null;
}

export interface Predicate {
  test(record: ChangeRecord): boolean;
}

/** What a plugin gets to build one configured instance. */
export interface PluginConfig {
  /** Parsed values of the plugin's ConfigDef (defaults applied), keys without the `transforms.<alias>.` prefix. */
  settings: Readonly<Record<string, ConfigValue>>;
  /** The raw keys under the prefix, prefix removed (for plugins that take free-form keys). */
  props: Readonly<Record<string, string>>;
}

interface PluginBase {
  /** The Java class name users configure, e.g. `org.apache.kafka.connect.transforms.ReplaceField$Value`. */
  readonly className: string;
  /** Other names Connect accepts for it (simple names where Connect has aliases). */
  readonly aliases: readonly string[];
  readonly version: string;
  /** Keys as Connect documents them; `GET /connector-plugins/{class}/config` shows them. */
  readonly configDef: ConfigDef;
  /**
   * Checks across keys that a ConfigDef cannot express; errors per key (unprefixed). Must not throw for a user
   * error. `create` may assume this passed.
   */
  validate?(config: PluginConfig): Record<string, string[]>;
}

export interface TransformationPlugin extends PluginBase {
  readonly kind: 'transformation';
  create(config: PluginConfig): Transformation;
}

export interface PredicatePlugin extends PluginBase {
  readonly kind: 'predicate';
  create(config: PluginConfig): Predicate;
}

/**
 * A transform failed on a record (wrong schema, a value it cannot handle). Thrown from `apply`; the runtime
 * applies `errors.tolerance` to it. Connect's DataException.
 */
export class TransformError extends CdcError {
  constructor(message: string, options: { cause?: unknown; fix?: string } = {}) {
    super('TRANSFORM_FAILED', message, options);
  }
}
