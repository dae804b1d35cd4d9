/**
 * The REST server's listeners and security, from the worker's properties, as Kafka Connect reads them:
 * `listeners` (http and https, several) over the legacy `rest.host.name`/`rest.port`; the https listeners'
 * TLS from `listeners.https.ssl.*` if any such key is set, otherwise from the top-level `ssl.*` (Connect's
 * all-or-nothing prefix rule); `rest.advertised.listener`; Basic authentication from a credentials file; CORS.
 * Everything is checked here, once: a value that cannot be honoured stops the worker naming its key.
 */
import { readFileSync } from 'node:fs';
import type { ConfigKeyDef } from '../connect-api/config-def.js';
import { ConfigError } from '../errors/index.js';
import { parseTls, Settings } from '../kafka/index.js';
import { parseCredentials } from '../rest/credentials.js';
import type { RestAuth, RestCors, RestListener, RestProtocol, RestSecurity, RestTls } from '../rest/security-types.js';

export const HTTPS_PREFIX = 'listeners.https.';
const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const BASIC_AUTH_EXTENSION = 'org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension';

/** The worker keys read here (besides `listeners`, `rest.host.name`, `rest.port`, `rest.advertised.*` in config.ts). */
export const REST_SECURITY_KEYS: ConfigKeyDef[] = [
  { name: 'rest.auth.basic.file', type: 'STRING', default: null, importance: 'HIGH',
    documentation: 'Credentials file for HTTP Basic authentication of the REST API: lines user: password[,role...] (roles admin, reader). Unset: no authentication.' },
  { name: 'rest.auth.basic.realm', type: 'STRING', default: 'tscdc', importance: 'LOW', documentation: 'Realm named in the WWW-Authenticate header of a 401.' },
  { name: 'rest.extension.classes', type: 'LIST', default: [], importance: 'LOW',
    documentation: 'Connect REST extensions (Java classes): refused; BasicAuthSecurityRestExtension\'s role is rest.auth.basic.file.' },
  { name: 'access.control.allow.origin', type: 'STRING', default: '', importance: 'LOW',
    documentation: 'CORS: origins allowed to call the REST API from a browser, comma-separated, or *. Empty: no CORS headers.' },
  { name: 'access.control.allow.methods', type: 'STRING', default: '', importance: 'LOW',
    documentation: 'CORS: methods allowed in cross-origin requests, comma-separated. Empty: GET,POST,HEAD.' },
  { name: 'rest.snapshots.additional.conditions.allow', type: 'BOOLEAN', default: false, importance: 'MEDIUM',
    documentation: 'Allow additional-conditions (SQL run with the connector\'s privileges) in ad-hoc snapshot requests over REST while the REST API has no authentication.' },
];

export interface RestConfig {
  listeners: RestListener[];
  /** The listener other workers are told to use (`rest.advertised.listener`, or as Connect picks it). */
  advertised: RestListener;
  security: RestSecurity;
}

const invalid = (key: string, value: string, reason: string, fix: string) =>
  new ConfigError(`Invalid value ${value} for configuration ${key}: ${reason}`, key, { fix });

/** `listeners`, or `rest.host.name`/`rest.port` when it is unset (Connect: listeners wins). */
export function restListeners(listeners: string[] | null, hostName: string | null, port: number): RestListener[] {
  if (!listeners || listeners.length === 0) return [{ protocol: 'http', host: hostName || '0.0.0.0', port }];
  const fix = 'Give listeners as protocol://host:port, comma-separated, e.g. http://127.0.0.1:8083,https://:8443 (empty host: all interfaces).';
  return listeners.map((listener) => {
    const m = /^([a-z]+):\/\/(\[[^\]]*\]|[^:/[\]]*):(\d{1,5})\/?$/i.exec(listener);
    if (!m) throw invalid('listeners', listener, 'expected protocol://host:port', fix);
    const protocol = m[1]!.toLowerCase();
    if (protocol !== 'http' && protocol !== 'https') throw invalid('listeners', listener, `protocol ${m[1]} is not supported; use http or https`, fix);
    const listenPort = Number(m[3]);
    if (listenPort > 65535) throw invalid('listeners', listener, 'port must be at most 65535', fix);
    const host = m[2]!.startsWith('[') ? m[2]!.slice(1, -1) : m[2]!;
    return { protocol, host: host || '0.0.0.0', port: listenPort };
  });
}

/** Connect's choice: rest.advertised.listener, else http if any http listener, else https. */
function advertisedListener(listeners: RestListener[], wanted: string | null): RestListener {
  const protocol: RestProtocol = wanted ? (wanted.toLowerCase() as RestProtocol) : listeners.some((l) => l.protocol === 'http') ? 'http' : 'https';
  const found = listeners.find((l) => l.protocol === protocol);
  if (!found) {
    throw invalid('rest.advertised.listener', protocol, `no ${protocol} listener is configured`, `Add a ${protocol}:// listener to listeners, or advertise one that exists.`);
  }
  return found;
}

/** The TLS settings of the https listeners: `listeners.https.ssl.*` if any is set, else the top-level `ssl.*`. */
function restTls(props: Readonly<Record<string, string>>, readFile: (path: string) => Buffer): RestTls {
  const prefixed = Object.keys(props).some((k) => k.startsWith(HTTPS_PREFIX));
  const own: Record<string, string> = {};
  const origins: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) {
    const key = prefixed ? (k.startsWith(HTTPS_PREFIX) ? k.slice(HTTPS_PREFIX.length) : undefined) : k;
    if (key === undefined || !key.startsWith('ssl.')) continue;
    own[key] = v;
    origins[key] = k;
  }
  const s = new Settings(own, { origins, keyPrefix: prefixed ? HTTPS_PREFIX : '' });
  const tls = parseTls(s, readFile);
  if (tls.cert === undefined && tls.pfx === undefined) {
    throw s.error('ssl.keystore.location', 'is not set, but an https listener needs the server\'s certificate and key.',
      `Set ${s.name('ssl.keystore.type')}=PEM with ${s.name('ssl.keystore.location')} (a PEM file with the key and certificate chain), or ${s.name('ssl.keystore.key')} and ${s.name('ssl.keystore.certificate.chain')} inline, or a PKCS12 key store.`);
  }
  const authValue = (s.get('ssl.client.auth') ?? 'none').toLowerCase();
  if (authValue !== 'none' && authValue !== 'requested' && authValue !== 'required') {
    throw s.error('ssl.client.auth', `is "${s.get('ssl.client.auth')}", which is not none, requested or required.`, `Set ${s.name('ssl.client.auth')} to none, requested or required.`);
  }
  if (authValue !== 'none' && tls.ca === undefined) {
    throw s.error('ssl.truststore.location', `is not set, but ${s.name('ssl.client.auth')}=${authValue} needs the CAs that client certificates must chain to.`,
      `Set ${s.name('ssl.truststore.type', 'ssl.client.auth')}=PEM and ${s.name('ssl.truststore.location', 'ssl.client.auth')} (or ssl.truststore.certificates).`, 'ssl.client.auth');
  }
  return { ...tls, clientAuth: authValue };
}

function restAuth(file: string | null, realm: string, readFile: (path: string) => Buffer): RestAuth | undefined {
  if (file === null || file.trim() === '') return undefined;
  let text: string;
  try {
    text = readFile(file).toString('utf8');
  } catch (err) {
    throw new ConfigError(`Configuration rest.auth.basic.file names ${file}, which cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'rest.auth.basic.file', {
      fix: 'Check the path and that the worker can read the file.',
    });
  }
  if (/["\\\r\n]/.test(realm)) throw invalid('rest.auth.basic.realm', realm, 'quotes, backslashes and line breaks cannot appear in a realm', 'Use a plain name.');
  return { realm, users: parseCredentials(text, file, 'rest.auth.basic.file') };
}

function restCors(origins: string, methods: string): RestCors {
  const split = (v: string) => v.split(',').map((x) => x.trim()).filter((x) => x !== '');
  const allowOrigins = split(origins);
  const bad = allowOrigins.find((o) => o !== '*' && !/^[a-z][a-z0-9+.-]*:\/\/[^/\s]+$/i.test(o));
  if (bad !== undefined) throw invalid('access.control.allow.origin', origins, `"${bad}" is not an origin (scheme://host[:port]) or *`, 'List origins such as https://ui.example.com, or *.');
  const allowMethods = split(methods).map((m) => m.toUpperCase());
  const unknown = allowMethods.find((m) => !HTTP_METHODS.includes(m));
  if (unknown !== undefined) throw invalid('access.control.allow.methods', methods, `"${unknown}" is not an HTTP method this API answers`, `Use some of ${HTTP_METHODS.join(', ')}.`);
  return { allowOrigins, allowMethods: allowMethods.length > 0 ? allowMethods : ['GET', 'POST', 'HEAD'] };
}

export function restConfig(
  s: Readonly<Record<string, unknown>>,
  props: Readonly<Record<string, string>>,
  readFile: (path: string) => Buffer = (path) => readFileSync(path),
): RestConfig {
  const listeners = restListeners(s['listeners'] as string[] | null, s['rest.host.name'] as string | null, s['rest.port'] as number);
  const advertised = advertisedListener(listeners, s['rest.advertised.listener'] as string | null);
  const https = listeners.some((l) => l.protocol === 'https');
  const stray = Object.keys(props).find((k) => k.startsWith(HTTPS_PREFIX));
  if (!https && stray !== undefined) {
    throw new ConfigError(`Configuration ${stray} is set, but no https listener is configured, so it would not be used`, stray, {
      fix: 'Add an https://host:port listener to listeners, or remove the listeners.https.* settings.',
    });
  }
  const extensions = (s['rest.extension.classes'] as string[]).filter((c) => c.trim() !== '');
  if (extensions.length > 0) {
    const basic = extensions.includes(BASIC_AUTH_EXTENSION);
    throw new ConfigError(`Configuration rest.extension.classes names ${extensions.join(', ')}: Java REST extensions cannot run in this service`, 'rest.extension.classes', {
      fix: basic ? 'Remove it and set rest.auth.basic.file to the credentials file (user: password,role lines; see README "REST security").' : 'Remove rest.extension.classes.',
    });
  }
  const security: RestSecurity = {
    cors: restCors(s['access.control.allow.origin'] as string, s['access.control.allow.methods'] as string),
    additionalConditionsWithoutAuth: s['rest.snapshots.additional.conditions.allow'] as boolean,
  };
  if (https) security.tls = restTls(props, readFile);
  const auth = restAuth(s['rest.auth.basic.file'] as string | null, s['rest.auth.basic.realm'] as string, readFile);
  if (auth) security.auth = auth;
  return { listeners, advertised, security };
}

/**
 * Whether the REST server takes its TLS from the top-level `ssl.*`: then those settings have a use even when
 * the Kafka clients connect without TLS, and must not be refused there as forgotten `security.protocol`.
 */
export function restUsesTopLevelSsl(listeners: RestListener[], props: Readonly<Record<string, string>>): boolean {
  return listeners.some((l) => l.protocol === 'https') && !Object.keys(props).some((k) => k.startsWith(HTTPS_PREFIX));
}
