/** The outbox EventRouter's configuration keys (Debezium 3.x names and defaults) and additional-column placements. */
import type { ConfigDef } from '../../connect-api/config-def.js';
import type { PluginConfig } from '../types.js';
import { regexProblem, topicRewriteProblem } from './java-regex.js';

const PLACEMENTS = ['header', 'envelope', 'partition'] as const;
export type Placement = typeof PLACEMENTS[number];
const TABLE = 'Table';
const ROUTER = 'Router';
const TRACING = 'Tracing';
const NO_TRACING = 'this service has no OpenTelemetry tracing';

export const outboxConfigDef: ConfigDef = {
  keys: [
    { name: 'table.field.event.id', type: 'STRING', default: 'id', importance: 'LOW', width: 'MEDIUM', group: TABLE, orderInGroup: 1, displayName: 'Event ID Field',
      documentation: 'Column holding the event id; it goes into the "id" header.' },
    { name: 'table.field.event.key', type: 'STRING', default: 'aggregateid', importance: 'LOW', width: 'MEDIUM', group: TABLE, orderInGroup: 2, displayName: 'Event Key Field',
      documentation: 'Column holding the event key (the record key, with the column\'s schema).' },
    { name: 'table.field.event.type', type: 'STRING', default: 'type', importance: 'LOW', width: 'MEDIUM', group: TABLE, orderInGroup: 3, displayName: 'Event Type Field',
      documentation: 'Column holding the event type (add it to the record with table.fields.additional.placement).' },
    { name: 'table.field.event.payload', type: 'STRING', default: 'payload', importance: 'LOW', width: 'MEDIUM', group: TABLE, orderInGroup: 4, displayName: 'Event Payload Field',
      documentation: 'Column holding the event payload, the record value.' },
    { name: 'table.field.event.timestamp', type: 'STRING', default: null, importance: 'MEDIUM', width: 'MEDIUM', group: TABLE, orderInGroup: 5, displayName: 'Event Timestamp Field',
      documentation: 'Column giving the Kafka record timestamp (a Timestamp, MicroTimestamp or NanoTimestamp column); unset, or null in a row: when the event was processed.' },
    { name: 'table.fields.additional.placement', type: 'LIST', default: null, importance: 'HIGH', width: 'MEDIUM', group: TABLE, orderInGroup: 6,
      displayName: 'Settings for each additional column in the outbox table', validate: placementProblem,
      documentation: 'More columns for the record, each column:placement or column:placement:alias, where placement is header, envelope (a field next to payload in the value) or partition (an int32 column choosing the Kafka partition).' },
    { name: 'table.fields.additional.error.on.missing', type: 'BOOLEAN', default: true, importance: 'MEDIUM', width: 'MEDIUM', group: TABLE, orderInGroup: 7,
      displayName: 'Should the transform error if an additional field is missing in the change data',
      documentation: 'Whether a column of table.fields.additional.placement missing from the row fails the record; false leaves it out.' },
    { name: 'table.field.event.schema.version', type: 'STRING', default: null, importance: 'LOW', width: 'MEDIUM', group: TABLE, orderInGroup: 8, displayName: 'Event Schema Version Field',
      documentation: 'An int32 column whose value becomes the version of the value schema (when the value is a struct).' },
    { name: 'table.op.invalid.behavior', type: 'STRING', default: 'warn', allowed: ['warn', 'error', 'fatal'], importance: 'MEDIUM', width: 'MEDIUM', group: TABLE, orderInGroup: 9,
      displayName: 'Behavior when capturing an unexpected outbox event',
      documentation: 'What to do with an update of the outbox table: warn and error skip it; fatal fails the task.' },
    { name: 'table.expand.json.payload', type: 'BOOLEAN', default: false, importance: 'MEDIUM', width: 'MEDIUM', group: TABLE, orderInGroup: 10, displayName: 'Expand Payload escaped string as real JSON',
      documentation: 'Turn a payload holding a JSON object as text into a struct with a schema inferred from it; other payloads stay as they are.' },
    { name: 'table.json.payload.null.behavior', type: 'STRING', default: 'ignore', allowed: ['ignore', 'optional_bytes'], importance: 'MEDIUM', width: 'MEDIUM', group: TABLE, orderInGroup: 11,
      displayName: 'Behavior when json payload including null value',
      documentation: 'With table.expand.json.payload: ignore leaves null members out of the inferred schema; optional_bytes keeps them as optional bytes fields.' },
    { name: 'route.by.field', type: 'STRING', default: 'aggregatetype', importance: 'HIGH', width: 'MEDIUM', group: ROUTER, orderInGroup: 1, displayName: 'Field to route events by',
      documentation: 'Column whose value names the topic (through route.topic.regex / route.topic.replacement).' },
    { name: 'route.topic.regex', type: 'STRING', default: '(?<routedByValue>.*)', importance: 'LOW', width: 'MEDIUM', group: ROUTER, orderInGroup: 2, displayName: 'The name of the routed topic',
      validate: regexProblem, documentation: 'Regular expression matched against the whole route.by.field value.' },
    { name: 'route.topic.replacement', type: 'STRING', default: 'outbox.event.${routedByValue}', importance: 'HIGH', width: 'MEDIUM', group: ROUTER, orderInGroup: 3,
      displayName: 'The name of the routed topic', documentation: 'The topic name, which may refer to route.topic.regex\'s groups (${routedByValue} by default).' },
    { name: 'route.tombstone.on.empty.payload', type: 'BOOLEAN', default: false, importance: 'HIGH', width: 'MEDIUM', group: ROUTER, orderInGroup: 4,
      displayName: 'Empty payloads cause a tombstone message', documentation: 'Whether a null or blank payload gives a tombstone (null value).' },
    { name: 'tracing.span.context.field', type: 'STRING', default: 'tracingspancontext', importance: 'LOW', group: TRACING, orderInGroup: 1, ignoredBecause: NO_TRACING,
      documentation: 'Column holding the serialized tracing span context.' },
    { name: 'tracing.operation.name', type: 'STRING', default: 'debezium-read', importance: 'LOW', group: TRACING, orderInGroup: 2, ignoredBecause: NO_TRACING,
      documentation: 'Operation name of the tracing span.' },
    { name: 'tracing.with.context.field.only', type: 'BOOLEAN', default: false, importance: 'LOW', group: TRACING, orderInGroup: 3, ignoredBecause: NO_TRACING,
      documentation: 'Whether only events with a span context are traced.' },
  ],
};

export interface Additional { column: string; placement: Placement; alias: string }

function placementProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return undefined;
  for (const entry of value as string[]) {
    const parts = entry.split(':');
    if (parts.length !== 2 && parts.length !== 3) return `"${entry}" is not column:placement or column:placement:alias`;
    if (!PLACEMENTS.includes(parts[1]!.trim().toLowerCase() as Placement)) return `"${entry}" has placement "${parts[1]}"; use header, envelope or partition`;
  }
  return undefined;
}

export function parseAdditional(entries: readonly string[]): Additional[] {
  return entries.map((entry) => {
    const [column, placement, alias] = entry.split(':') as [string, string, string | undefined];
    return { column, placement: placement.trim().toLowerCase() as Placement, alias: alias ?? column };
  });
}

export function validateOutboxConfig({ settings }: PluginConfig): Record<string, string[]> {
  const problem = topicRewriteProblem(settings['route.topic.regex'] as string, settings['route.topic.replacement'] as string);
  return problem ? { 'route.topic.replacement': [problem] } : {};
}
