/** Kafka Connect's built-in transforms and predicates (org.apache.kafka.connect.transforms.*). */
import type { PredicatePlugin, TransformationPlugin } from '../types.js';

export const kafkaTransformations: readonly TransformationPlugin[] = [];
export const kafkaPredicates: readonly PredicatePlugin[] = [];
