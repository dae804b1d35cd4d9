/** Single Message Transforms and predicates: the built-in plugins and the chain that applies them. */
import type { PredicatePlugin, TransformationPlugin } from './types.js';
import { debeziumTransformations } from './debezium/index.js';
import { kafkaPredicates, kafkaTransformations } from './kafka/index.js';

export const builtinTransformations: readonly TransformationPlugin[] = [...kafkaTransformations, ...debeziumTransformations];
export const builtinPredicates: readonly PredicatePlugin[] = kafkaPredicates;

export { TransformError } from './types.js';
export type { Predicate, PredicatePlugin, Transformation, TransformationPlugin } from './types.js';
export { createTransformChain, StageFailure, type ChainStage, type TransformChain } from './chain.js';
