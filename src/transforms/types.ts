/**
 * The transform plugin interfaces (defined with the other plugin interfaces in connect-api/plugin.ts) and the
 * error a transform throws for a record it cannot handle.
 */
import { CdcError } from '../errors/index.js';

export type {
  ChangeRecord, PluginConfig, Predicate, PredicatePlugin, Transformation, TransformationPlugin,
} from '../connect-api/plugin.js';

/**
 * A transform failed on a record (wrong schema, a value it cannot handle). Thrown from `apply`; the runtime
 * applies `errors.tolerance` to it. Connect's DataException.
 */
export class TransformError extends CdcError {
  constructor(message: string, options: { cause?: unknown; fix?: string } = {}) {
    super('TRANSFORM_FAILED', message, options);
  }
}
