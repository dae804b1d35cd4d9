/**
 * Checking request bodies into the shapes Connect's REST entities have. Connect (Jackson) coerces numbers
 * and booleans in a config map to strings; anything else that is not a string is refused with a 400 here.
 */
import type { InitialState } from '../herder/index.js';
import { RestError } from './errors.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A config map: string values, numbers/booleans as strings, null kept (the herder reports null values). */
export function configMap(value: unknown, what = 'Request body'): Record<string, string | null> {
  if (!isObject(value)) throw new RestError(400, `${what} must be a JSON object of configuration keys to string values, not ${kindOf(value)}`);
  const out: Record<string, string | null> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null || typeof v === 'string') out[key] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[key] = String(v);
    else throw new RestError(400, `Configuration value of "${key}" must be a string, not ${kindOf(v)}`);
  }
  return out;
}

const INITIAL_STATES: readonly InitialState[] = ['RUNNING', 'PAUSED', 'STOPPED'];

export interface CreateConnectorRequest {
  name: string;
  config: Record<string, string | null>;
  initialState?: InitialState;
}

/** `POST /connectors`: `{name, config, initial_state?}`. The name is trimmed, as Connect does. */
export function createConnectorRequest(body: unknown): CreateConnectorRequest {
  if (!isObject(body)) throw new RestError(400, `Request body must be a JSON object with "name" and "config", not ${kindOf(body)}`);
  const { name, config, initial_state: initial } = body;
  if (name !== undefined && name !== null && typeof name !== 'string') throw new RestError(400, `"name" must be a string, not ${kindOf(name)}`);
  if (config === undefined || config === null) throw new RestError(400, 'Connector config is missing: the request body needs a "config" object');
  let initialState: InitialState | undefined;
  if (initial !== undefined && initial !== null) {
    const upper = typeof initial === 'string' ? initial.toUpperCase() : '';
    if (!INITIAL_STATES.includes(upper as InitialState)) {
      throw new RestError(400, `Invalid initial_state ${JSON.stringify(initial)}; must be one of ${INITIAL_STATES.join(', ')}`);
    }
    initialState = upper as InitialState;
  }
  return { name: (name ?? '').trim(), config: configMap(config, '"config"'), initialState };
}

/** Connect's check that a config's `name` (if any) is the URL's, then sets it. */
export function withConnectorName(name: string, config: Record<string, string | null>): Record<string, string | null> {
  const included = config.name;
  if (included !== undefined && included !== null) {
    if (included !== name) throw new RestError(400, `Connector name configuration (${included}) doesn't match connector name in the URL (${name})`);
    return config;
  }
  return { ...config, name };
}

/** `PATCH /connectors/{name}/offsets`: `{"offsets": [{"partition": {...}, "offset": {...}|null}]}`. */
export function offsetsBody(body: unknown): Array<{ partition: unknown; offset: unknown }> {
  if (!isObject(body) || body.offsets === undefined || body.offsets === null || (Array.isArray(body.offsets) && body.offsets.length === 0)) {
    throw new RestError(400, 'Partitions / offsets need to be provided for an alter offsets request');
  }
  if (!Array.isArray(body.offsets)) throw new RestError(400, `"offsets" must be an array, not ${kindOf(body.offsets)}`);
  return body.offsets.map((entry, i) => {
    if (!isObject(entry)) throw new RestError(400, `offsets[${i}] must be an object with "partition" and "offset"`);
    return { partition: entry.partition, offset: entry.offset === undefined ? null : entry.offset };
  });
}
