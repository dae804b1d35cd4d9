/**
 * Records of Kafka Connect's status topic (KafkaStatusBackingStore), byte for byte:
 *   status-connector-<name>                 {"state":"RUNNING","trace":null,"worker_id":"host:8083","generation":3}
 *   status-task-<name>-<id>                 same shape
 *   status-topic-<topic>:connector-<name>   {"topic":{"name":..,"connector":..,"task":0,"discoverTimestamp":..}}
 * Tombstones delete. Values are JsonConverter output with schemas disabled (struct fields in schema order,
 * absent optional fields written as null).
 */
import type { KeyValue } from './config-records.js';
import { readKeyedJson, writeJson } from './connect-json.js';
import type { RuntimeState, StatusEntry } from './types.js';

export interface ActiveTopic {
  topic: string;
  connector: string;
  task: number;
  discoverTimestamp: number;
}

export type StatusRecord =
  | { kind: 'connector'; connector: string; status: StatusEntry | null }
  | { kind: 'task'; connector: string; task: number; status: StatusEntry | null }
  | { kind: 'topic'; connector: string; topic: string; active: ActiveTopic | null };

const CONNECTOR = 'status-connector-';
const TASK = 'status-task-';
const TOPIC = 'status-topic-';
const TOPIC_SEPARATOR = ':connector-';
const STATES: readonly string[] = ['UNASSIGNED', 'RUNNING', 'PAUSED', 'STOPPED', 'FAILED', 'RESTARTING', 'DESTROYED'];

const key = (s: string): Buffer => Buffer.from(s, 'utf8');

function statusValue(status: StatusEntry): Buffer {
  return Buffer.from(writeJson({ state: status.state, trace: status.trace, worker_id: status.workerId, generation: status.generation }), 'utf8');
}

export function connectorStatusRecord(connector: string, status: StatusEntry | null): KeyValue {
  return { key: key(CONNECTOR + connector), value: status ? statusValue(status) : null };
}

export function taskStatusRecord(connector: string, task: number, status: StatusEntry | null): KeyValue {
  return { key: key(`${TASK}${connector}-${task}`), value: status ? statusValue(status) : null };
}

export function topicStatusKey(connector: string, topic: string): Buffer {
  return key(TOPIC + topic + TOPIC_SEPARATOR + connector);
}

export function activeTopicRecord(active: ActiveTopic): KeyValue {
  const value = { topic: { name: active.topic, connector: active.connector, task: active.task, discoverTimestamp: active.discoverTimestamp } };
  return { key: topicStatusKey(active.connector, active.topic), value: Buffer.from(writeJson(value), 'utf8') };
}

export function activeTopicTombstone(connector: string, topic: string): KeyValue {
  return { key: topicStatusKey(connector, topic), value: null };
}

function parseStatus(value: unknown): StatusEntry | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.state !== 'string' || !STATES.includes(v.state)) return undefined;
  return {
    state: v.state as RuntimeState,
    trace: typeof v.trace === 'string' ? v.trace : null,
    workerId: typeof v.worker_id === 'string' ? v.worker_id : '',
    generation: Number(v.generation ?? 0),
  };
}

function parseActiveTopic(value: unknown): ActiveTopic | undefined {
  const inner = value !== null && typeof value === 'object' ? (value as { topic?: unknown }).topic : undefined;
  if (inner === null || typeof inner !== 'object') return undefined;
  const t = inner as Record<string, unknown>;
  if (typeof t.name !== 'string' || typeof t.connector !== 'string') return undefined;
  return { topic: t.name, connector: t.connector, task: Number(t.task ?? 0), discoverTimestamp: Number(t.discoverTimestamp ?? 0) };
}

/** Decodes one status-topic record; undefined for malformed or unknown records (Connect skips those too). */
export function decodeStatusRecord(rawKey: Buffer | null, rawValue: Buffer | null): StatusRecord | undefined {
  const read = readKeyedJson(rawKey, rawValue);
  if (!read) return undefined;
  const { key: k, value } = read;
  if (k.startsWith(CONNECTOR)) {
    const connector = k.slice(CONNECTOR.length);
    if (connector === '') return undefined;
    if (value === null) return { kind: 'connector', connector, status: null };
    const status = parseStatus(value);
    return status ? { kind: 'connector', connector, status } : undefined;
  }
  if (k.startsWith(TASK)) {
    const dash = k.lastIndexOf('-');
    const id = k.slice(dash + 1);
    if (dash <= TASK.length || !/^\d+$/.test(id)) return undefined;
    const connector = k.slice(TASK.length, dash);
    if (value === null) return { kind: 'task', connector, task: Number(id), status: null };
    const status = parseStatus(value);
    return status ? { kind: 'task', connector, task: Number(id), status } : undefined;
  }
  if (k.startsWith(TOPIC)) {
    // Topic names cannot contain ':', connector names can: split at the first separator, as Connect does.
    const sep = k.indexOf(TOPIC_SEPARATOR, TOPIC.length);
    if (sep <= TOPIC.length) return undefined;
    const topic = k.slice(TOPIC.length, sep);
    const connector = k.slice(sep + TOPIC_SEPARATOR.length);
    if (connector === '') return undefined;
    if (value === null) return { kind: 'topic', connector, topic, active: null };
    const active = parseActiveTopic(value);
    return active ? { kind: 'topic', connector, topic, active } : undefined;
  }
  return undefined;
}
