/**
 * The connector files `tscdc standalone` takes, as Connect's ConnectStandalone does: a Java .properties file
 * (the connector's name in `name`), or JSON — `{"name":..,"config":{..},"initial_state":..}` as POST /connectors
 * takes it, or a flat map of the config. Which one is decided by the content, not the file's extension.
 */
import { readFileSync } from 'node:fs';
import { parseProperties } from '../config-providers/index.js';
import { ConfigError } from '../errors/index.js';
import type { InitialState } from '../herder/index.js';

export interface ConnectorFile {
  file: string;
  name: string;
  config: Record<string, string>;
  initialState?: InitialState;
}

const INITIAL_STATES: readonly string[] = ['RUNNING', 'PAUSED', 'STOPPED'];

function invalid(file: string, message: string, key?: string): ConfigError {
  return new ConfigError(`Connector file ${file}: ${message}`, key, {
    fix: 'Give a .properties file with name=... and the connector\'s keys, or JSON {"name":"...","config":{...}} (or a flat JSON map with "name").',
  });
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSON scalars become strings (as Jackson reads them into Connect's Map<String, String>); anything else is refused. */
function stringValues(file: string, map: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(map)) {
    if (typeof value === 'string') out[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = String(value);
    else throw invalid(file, `the value of ${key} must be a string, number or boolean`, key);
  }
  return out;
}

function fromJson(file: string, doc: unknown): ConnectorFile {
  if (!isPlainObject(doc)) throw invalid(file, 'the JSON is not an object');
  let config: Record<string, string>;
  let name: unknown;
  let initialState: InitialState | undefined;
  if (isPlainObject(doc.config)) {
    config = stringValues(file, doc.config);
    name = doc.name ?? config.name;
    if (doc.initial_state !== undefined && doc.initial_state !== null) {
      if (typeof doc.initial_state !== 'string' || !INITIAL_STATES.includes(doc.initial_state.toUpperCase())) {
        throw invalid(file, `initial_state must be one of ${INITIAL_STATES.join(', ')}`, 'initial_state');
      }
      initialState = doc.initial_state.toUpperCase() as InitialState;
    }
    if (typeof config.name === 'string' && typeof name === 'string' && config.name !== name) {
      throw invalid(file, `"name" (${name}) and config.name (${config.name}) differ`, 'name');
    }
  } else {
    config = stringValues(file, doc);
    name = config.name;
  }
  if (typeof name !== 'string' || name.trim() === '') throw invalid(file, 'the connector has no name', 'name');
  return { file, name, config: { ...config, name }, ...(initialState ? { initialState } : {}) };
}

export function parseConnectorFile(file: string, text: string): ConnectorFile {
  const body = text.replace(/^\uFEFF/, '').trimStart();
  if (body.startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(body);
    } catch (err) {
      throw invalid(file, `not valid JSON (${err instanceof Error ? err.message : String(err)})`);
    }
    return fromJson(file, doc);
  }
  const config = parseProperties(text, file);
  const name = config.name;
  if (name === undefined || name.trim() === '') throw invalid(file, 'the connector has no name (name=...)', 'name');
  return { file, name, config };
}

export function readConnectorFile(file: string): ConnectorFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw invalid(file, `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return parseConnectorFile(file, text);
}

/** All files, refusing two connectors of the same name (the second would silently replace the first). */
export function readConnectorFiles(files: readonly string[]): ConnectorFile[] {
  const out = files.map(readConnectorFile);
  const seen = new Map<string, string>();
  for (const c of out) {
    const other = seen.get(c.name);
    if (other !== undefined) throw invalid(c.file, `connector ${c.name} is also defined in ${other}`, 'name');
    seen.set(c.name, c.file);
  }
  return out;
}
