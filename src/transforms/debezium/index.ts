/** Debezium's transforms (io.debezium.transforms.*). */
import type { TransformationPlugin } from '../types.js';

export const debeziumTransformations: readonly TransformationPlugin[] = [];
