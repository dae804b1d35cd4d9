/**
 * Records of Kafka Connect's config topic (KafkaConfigBackingStore), byte for byte:
 *   connector-<name>     {"properties":{...}}            (tombstone = connector deleted)
 *   task-<name>-<n>      {"properties":{...}}            (applied only when the commit record arrives)
 *   commit-<name>        {"tasks":N}
 *   target-state-<name>  {"state":"PAUSED","state.v2":"STOPPED"}  (v1 field for older workers: STOPPED → PAUSED)
 * Keys are plain UTF-8 strings; values are JsonConverter output with schemas disabled.
 * Other record kinds Connect writes (session-key, restart-connector-, tasks-fencing-, logger-cluster-) decode as
 * `other` and are ignored by our single-worker store.
 */
import type { TargetState } from './types.js';
import { readKeyedJson, writeJson } from './connect-json.js';

export interface KeyValue {
  key: Buffer;
  value: Buffer | null;
}

export type ConfigRecord =
  | { kind: 'connector'; connector: string; properties: Record<string, string> | null }
  | { kind: 'task'; connector: string; task: number; properties: Record<string, string> | null }
  | { kind: 'commit'; connector: string; tasks: number }
  | { kind: 'target-state'; connector: string; state: TargetState | null }
  | { kind: 'other'; key: string };

const CONNECTOR = 'connector-';
const TASK = 'task-';
const COMMIT = 'commit-';
const TARGET_STATE = 'target-state-';
const TARGET_STATES: readonly string[] = ['STARTED', 'PAUSED', 'STOPPED'];

const json = (value: unknown): Buffer => Buffer.from(writeJson(value), 'utf8');
const key = (s: string): Buffer => Buffer.from(s, 'utf8');

export function connectorConfigRecord(connector: string, properties: Readonly<Record<string, string>>): KeyValue {
  return { key: key(CONNECTOR + connector), value: json({ properties }) };
}

export function connectorTombstone(connector: string): KeyValue {
  return { key: key(CONNECTOR + connector), value: null };
}

export function taskConfigRecord(connector: string, task: number, properties: Readonly<Record<string, string>>): KeyValue {
  return { key: key(`${TASK}${connector}-${task}`), value: json({ properties }) };
}

export function taskCommitRecord(connector: string, tasks: number): KeyValue {
  return { key: key(COMMIT + connector), value: json({ tasks }) };
}

export function targetStateRecord(connector: string, state: TargetState): KeyValue {
  // Workers before KIP-875 only know STARTED/PAUSED and read "state"; newer ones prefer "state.v2".
  return { key: key(TARGET_STATE + connector), value: json({ state: state === 'STOPPED' ? 'PAUSED' : state, 'state.v2': state }) };
}

export function targetStateTombstone(connector: string): KeyValue {
  return { key: key(TARGET_STATE + connector), value: null };
}

function properties(value: unknown): Record<string, string> | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const props = (value as { properties?: unknown }).properties;
  if (props === null || typeof props !== 'object' || Array.isArray(props)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) {
    // Connect's map schema allows null values; a config key with no value is the same as an absent one here.
    if (v !== null && v !== undefined) out[k] = String(v);
  }
  return out;
}

function targetState(value: unknown): TargetState | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const state = typeof v['state.v2'] === 'string' ? v['state.v2'] : v.state;
  return typeof state === 'string' && TARGET_STATES.includes(state) ? (state as TargetState) : undefined;
}

/**
 * Decodes one config-topic record. Returns undefined for a record that is malformed (Connect logs and skips
 * those too), so one bad record cannot stop a worker from starting.
 */
export function decodeConfigRecord(rawKey: Buffer | null, rawValue: Buffer | null): ConfigRecord | undefined {
  const read = readKeyedJson(rawKey, rawValue);
  if (!read) return undefined;
  const { key: k, value } = read;
  if (k.startsWith(TARGET_STATE)) {
    const connector = k.slice(TARGET_STATE.length);
    if (value === null) return { kind: 'target-state', connector, state: null };
    const state = targetState(value);
    return state ? { kind: 'target-state', connector, state } : undefined;
  }
  if (k.startsWith(CONNECTOR)) {
    const connector = k.slice(CONNECTOR.length);
    if (value === null) return { kind: 'connector', connector, properties: null };
    const props = properties(value);
    return props ? { kind: 'connector', connector, properties: props } : undefined;
  }
  if (k.startsWith(TASK)) {
    const dash = k.lastIndexOf('-');
    const task = Number(k.slice(dash + 1));
    if (dash <= TASK.length || !/^\d+$/.test(k.slice(dash + 1))) return undefined;
    const connector = k.slice(TASK.length, dash);
    if (value === null) return { kind: 'task', connector, task, properties: null };
    const props = properties(value);
    return props ? { kind: 'task', connector, task, properties: props } : undefined;
  }
  if (k.startsWith(COMMIT)) {
    const tasks = value !== null && typeof value === 'object' ? Number((value as { tasks?: unknown }).tasks) : NaN;
    return Number.isInteger(tasks) && tasks >= 0 ? { kind: 'commit', connector: k.slice(COMMIT.length), tasks } : undefined;
  }
  return { kind: 'other', key: k };
}
