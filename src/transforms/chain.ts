/**
 * A connector's transforms in order, as Connect's TransformationChain: each applied to what the previous one
 * returned, a transform with a predicate only where the predicate (or, with `negate`, its opposite) holds, and a
 * `null` ending the chain (the record is dropped).
 */
import { aliasesOf, parseConfig, propsUnder, type ConfigDef, type PluginRegistry } from '../connect-api/index.js';
import { ConfigError } from '../errors/index.js';
import type { ChangeRecord, Predicate, PluginConfig, Transformation } from './types.js';

/** One configured transform, named for error reports and the dead letter queue's headers. */
export interface ChainStage {
  alias: string;
  className: string;
  apply(record: ChangeRecord): ChangeRecord | null;
}

export interface TransformChain {
  readonly stages: readonly ChainStage[];
  /** The record after every stage, or null when one dropped it. A stage's error is thrown as a `StageFailure`. */
  apply(record: ChangeRecord): ChangeRecord | null;
}

/** A stage threw: which one, and what it threw. */
export class StageFailure extends Error {
  constructor(readonly stage: ChainStage, override readonly cause: unknown) {
    super(`Transform '${stage.alias}' (${stage.className}) failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'StageFailure';
  }
}

function pluginConfig(def: ConfigDef, props: Record<string, string>, where: string): PluginConfig {
  const parsed = parseConfig(def, props);
  const problems = Object.entries(parsed.errors).map(([k, m]) => `${where}${k}: ${m.join('; ')}`);
  if (problems.length) throw new ConfigError(`Invalid ${where}* config: ${problems.join(' | ')}`, `${where}type`);
  return { settings: parsed.settings, props };
}

/**
 * The chain a connector config describes, or null when it has no transforms (the runtime then skips the stage
 * entirely). The config has passed validation; a problem found here is still a ConfigError naming the key.
 */
export function createTransformChain(config: Readonly<Record<string, string>>, registry: Pick<PluginRegistry, 'findTransformation' | 'findPredicate'>): TransformChain | null {
  const aliases = aliasesOf(config, 'transforms');
  if (aliases.length === 0) return null;
  const predicates = new Map<string, Predicate>();
  for (const alias of aliasesOf(config, 'predicates')) {
    const prefix = `predicates.${alias}.`;
    const cls = config[`${prefix}type`]?.trim() ?? '';
    const plugin = registry.findPredicate(cls);
    if (!plugin) throw new ConfigError(`Class ${cls} could not be found.`, `${prefix}type`);
    const { type: _type, ...props } = propsUnder(config, prefix);
    predicates.set(alias, plugin.create(pluginConfig(plugin.configDef, props, prefix)));
  }
  const stages = aliases.map((alias): ChainStage => {
    const prefix = `transforms.${alias}.`;
    const cls = config[`${prefix}type`]?.trim() ?? '';
    const plugin = registry.findTransformation(cls);
    if (!plugin) throw new ConfigError(`Class ${cls} could not be found.`, `${prefix}type`);
    const { type: _type, predicate: predicateAlias, negate, ...props } = propsUnder(config, prefix);
    const transform: Transformation = plugin.create(pluginConfig(plugin.configDef, props, prefix));
    const name = { alias, className: plugin.className };
    if (predicateAlias === undefined || predicateAlias.trim() === '') return { ...name, apply: (r) => transform.apply(r) };
    const predicate = predicates.get(predicateAlias.trim());
    if (!predicate) throw new ConfigError(`The predicate "${predicateAlias}" is not one of the aliases in "predicates"`, `${prefix}predicate`);
    const wanted = negate?.trim().toLowerCase() !== 'true';
    return { ...name, apply: (r) => (predicate.test(r) === wanted ? transform.apply(r) : r) };
  });
  return {
    stages,
    apply(record) {
      let r: ChangeRecord | null = record;
      for (let i = 0; i < stages.length && r !== null; i++) {
        const stage = stages[i]!;
        try {
          r = stage.apply(r);
        } catch (err) {
          throw new StageFailure(stage, err);
        }
      }
      return r;
    },
  };
}
