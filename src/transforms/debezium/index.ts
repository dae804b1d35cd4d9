/** Debezium's transforms (io.debezium.transforms.*). */
import type { TransformationPlugin } from '../types.js';
import { byLogicalTableRouter } from './by-logical-table-router.js';
import { extractNewRecordState } from './extract-new-record-state.js';
import { headerToValue } from './header-to-value.js';
import { outboxEventRouter } from './outbox-event-router.js';

export const debeziumTransformations: readonly TransformationPlugin[] = [extractNewRecordState, byLogicalTableRouter, outboxEventRouter, headerToValue];
