/**
 * `sasl.mechanism` + `sasl.jaas.config` (+ Kafka's OIDC keys) → KafkaSasl: PLAIN, SCRAM-SHA-256/512 and OAUTHBEARER
 * with a token endpoint. Kerberos, unsecured tokens and custom login classes are refused with a fix.
 */
import { parseJaasConfig, type JaasConfig } from './jaas.js';
import type { Settings } from './client-settings.js';
import type { KafkaOAuth, KafkaSasl } from './types.js';

const PLAIN_MODULE = 'org.apache.kafka.common.security.plain.PlainLoginModule';
const SCRAM_MODULE = 'org.apache.kafka.common.security.scram.ScramLoginModule';
const OAUTH_MODULE = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule';
const KERBEROS_MODULE = 'com.sun.security.auth.module.Krb5LoginModule';
/** Kafka's OIDC login callback handler: its 3.1–3.3 package, and the public one since 3.4. */
const OIDC_HANDLERS = [
  'org.apache.kafka.common.security.oauthbearer.secured.OAuthBearerLoginCallbackHandler',
  'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler',
];
const OAUTH = 'org.apache.kafka.common.security.oauthbearer.';
const RETRIEVERS = [`${OAUTH}DefaultJwtRetriever`, `${OAUTH}ClientCredentialsJwtRetriever`];
const VALIDATORS = [`${OAUTH}DefaultJwtValidator`, `${OAUTH}ClientJwtValidator`];
const MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'] as const;
type Mechanism = (typeof MECHANISMS)[number];

export function parseSasl(s: Settings): KafkaSasl {
  for (const key of ['sasl.client.callback.handler.class', 'sasl.login.class']) {
    const value = s.get(key);
    if (value !== undefined) throw s.error(key, `names the Java class ${value}, which cannot be loaded here.`, `Remove ${s.name(key)}; PLAIN, SCRAM and OAUTHBEARER (OIDC) are built in.`);
  }
  const raw = s.get('sasl.mechanism');
  const hint = `Set ${s.name('sasl.mechanism', 'sasl.jaas.config')} to PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER, matching the login module in sasl.jaas.config.`;
  if (raw === undefined) {
    throw s.error('sasl.mechanism', `is not set, so Kafka would use GSSAPI (Kerberos), which is not supported.`, hint, 'sasl.jaas.config');
  }
  const mechanism = MECHANISMS.find((m) => m === raw.toUpperCase());
  if (raw.toUpperCase() === 'GSSAPI') throw s.error('sasl.mechanism', 'is GSSAPI (Kerberos), which is not supported.', hint);
  if (mechanism === undefined) throw s.error('sasl.mechanism', `is "${raw}", which is not supported.`, hint);

  const handler = s.get('sasl.login.callback.handler.class');
  if (handler !== undefined && !(mechanism === 'OAUTHBEARER' && OIDC_HANDLERS.includes(handler))) {
    throw s.error('sasl.login.callback.handler.class', `names ${handler}, which cannot be loaded here.`,
      mechanism === 'OAUTHBEARER' ? `Use ${OIDC_HANDLERS[1]} (OAuth client credentials), or remove it.` : `Remove it; ${mechanism} needs no login callback handler.`);
  }

  const jaasKey = s.name('sasl.jaas.config', 'sasl.mechanism');
  const jaasText = s.get('sasl.jaas.config');
  if (jaasText === undefined) {
    throw s.error('sasl.jaas.config', `is required for SASL ${mechanism}.`, `Set ${jaasKey}, e.g. ${jaasExample(mechanism)}`, 'sasl.mechanism');
  }
  const jaas = parseJaasConfig(jaasText, jaasKey);
  if (jaas.loginModule === KERBEROS_MODULE) throw s.error('sasl.jaas.config', 'uses Krb5LoginModule (Kerberos), which is not supported.', `Use ${jaasExample(mechanism)}`);
  return mechanism === 'OAUTHBEARER' ? { mechanism, oauth: oauthSettings(s, jaas) } : { mechanism, ...credentials(s, mechanism, jaas) };
}

function jaasExample(mechanism: Mechanism): string {
  if (mechanism === 'OAUTHBEARER') return `${OAUTH_MODULE} required clientId="..." clientSecret="...";`;
  return `${mechanism === 'PLAIN' ? PLAIN_MODULE : SCRAM_MODULE} required username="..." password="...";`;
}

/** The module named in a message only when it looks like a Java class: a mangled JAAS text may put a secret first. */
function moduleName(name: string): string {
  return /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(name) ? name : 'in it';
}

function credentials(s: Settings, mechanism: Mechanism, jaas: JaasConfig): { username: string; password: string } {
  // Kafka's PLAIN and SCRAM clients read the same username/password credentials from either module.
  if (jaas.loginModule !== PLAIN_MODULE && jaas.loginModule !== SCRAM_MODULE) {
    throw s.error('sasl.jaas.config', `names the login module ${moduleName(jaas.loginModule)}, which does not provide ${mechanism} credentials.`, `Use ${jaasExample(mechanism)}`);
  }
  if (jaas.options['tokenauth']?.trim().toLowerCase() === 'true') {
    throw s.error('sasl.jaas.config', 'sets tokenauth=true (delegation tokens), which is not supported.', 'Authenticate with a SCRAM user\'s username and password instead.');
  }
  const username = jaas.options['username'];
  const password = jaas.options['password'];
  if (!username || !password) {
    throw s.error('sasl.jaas.config', `has no ${!username ? 'username' : 'password'} (or an empty one); ${mechanism} needs both.`, `Write ${jaasExample(mechanism)}`);
  }
  return { username, password };
}

function oauthSettings(s: Settings, jaas: JaasConfig): KafkaOAuth {
  const jaasKey = s.name('sasl.jaas.config');
  if (jaas.loginModule !== OAUTH_MODULE) {
    throw s.error('sasl.jaas.config', `names the login module ${moduleName(jaas.loginModule)}, but OAUTHBEARER needs ${OAUTH_MODULE}.`, `Use ${jaasExample('OAUTHBEARER')}`);
  }
  const options = Object.keys(jaas.options);
  if (options.some((o) => o.startsWith('unsecuredLogin'))) {
    // Kafka's unsigned development tokens: no broker set up for production accepts them, so we do not make them.
    throw s.error('sasl.jaas.config', 'asks for an unsecured (unsigned) OAUTHBEARER token (unsecuredLogin* options), which is not supported.',
      'Use an OAuth token endpoint (sasl.oauthbearer.token.endpoint.url with a client id and secret), or SASL PLAIN for development.');
  }
  if (options.some((o) => o.startsWith('ssl.'))) {
    throw s.error('sasl.jaas.config', 'sets TLS options for the token endpoint (ssl.*), which are not supported.',
      'Remove them; the token endpoint is verified against Node.js\'s CA certificates (add a private CA with NODE_EXTRA_CA_CERTS).');
  }
  for (const [key, allowed] of [['sasl.oauthbearer.jwt.retriever.class', RETRIEVERS], ['sasl.oauthbearer.jwt.validator.class', VALIDATORS]] as const) {
    const value = s.get(key);
    if (value !== undefined && !allowed.includes(value)) throw s.error(key, `names ${value}, which cannot be loaded here.`, `Remove it; the client-credentials grant (${allowed[1]}) is built in.`);
  }
  for (const key of ['sasl.oauthbearer.assertion.file', 'sasl.oauthbearer.assertion.private.key.file', 'sasl.oauthbearer.assertion.template.file']) {
    if (s.get(key) !== undefined) throw s.error(key, 'asks for client assertions (JWT client authentication), which are not supported.', 'Authenticate with a client id and secret.');
  }

  const urlKey = 'sasl.oauthbearer.token.endpoint.url';
  const url = s.get(urlKey);
  if (url === undefined) throw s.error(urlKey, 'is required for OAUTHBEARER.', `Set ${s.name(urlKey, 'sasl.jaas.config')} to the identity provider's token endpoint (https://...).`, 'sasl.jaas.config');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw s.error(urlKey, 'is not a URL.', 'Give the token endpoint as https://host/path.');
  }
  if (parsed.protocol === 'file:') throw s.error(urlKey, 'is a file: URL (a token read from a file), which is not supported.', 'Give the identity provider\'s token endpoint (https://...).');
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw s.error(urlKey, `has the scheme ${parsed.protocol}, not http(s).`, 'Give the token endpoint as https://host/path.');

  // Kafka 4.x's own keys win over the (deprecated) JAAS options, as in Kafka.
  const fromConfigOrJaas = (key: string, option: string) => s.get(key) ?? (jaas.options[option]?.trim() || undefined);
  const clientId = fromConfigOrJaas('sasl.oauthbearer.client.credentials.client.id', 'clientId');
  const clientSecret = fromConfigOrJaas('sasl.oauthbearer.client.credentials.client.secret', 'clientSecret');
  for (const [value, key, option] of [[clientId, 'sasl.oauthbearer.client.credentials.client.id', 'clientId'], [clientSecret, 'sasl.oauthbearer.client.credentials.client.secret', 'clientSecret']] as const) {
    if (value === undefined) {
      throw s.error(key, `is not set, and neither is ${option} in ${jaasKey}; the client-credentials grant needs it.`, `Set ${s.name(key, 'sasl.jaas.config')} (or ${option}="..." in ${jaasKey}).`, 'sasl.jaas.config');
    }
  }
  const oauth: KafkaOAuth = { tokenEndpointUrl: url, clientId: clientId!, clientSecret: clientSecret! };
  const scope = fromConfigOrJaas('sasl.oauthbearer.scope', 'scope');
  if (scope !== undefined) oauth.scope = scope;
  const extensions = saslExtensions(s, jaas);
  if (extensions !== undefined) oauth.extensions = extensions;
  const timeouts = ['sasl.login.connect.timeout.ms', 'sasl.login.read.timeout.ms'].map((key) => milliseconds(s, key)).filter((ms) => ms !== undefined);
  // One budget for the whole request: the connect and read allowances together.
  if (timeouts.length > 0) oauth.timeoutMs = timeouts.reduce((a, b) => a + b, 0);
  const urlEncode = s.get('sasl.oauthbearer.header.urlencode');
  if (urlEncode !== undefined) {
    if (!/^(?:true|false)$/i.test(urlEncode)) throw s.error('sasl.oauthbearer.header.urlencode', `is "${urlEncode}", not true or false.`, 'Set it to true or false.');
    oauth.urlEncodeCredentials = urlEncode.toLowerCase() === 'true';
  }
  return oauth;
}

/** JAAS `extension_<name>=value`: SASL extensions sent with the token, checked as Kafka checks them. */
function saslExtensions(s: Settings, jaas: JaasConfig): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [option, value] of Object.entries(jaas.options)) {
    if (!option.startsWith('extension_')) continue;
    const name = option.slice('extension_'.length);
    if (!/^[A-Za-z]+$/.test(name) || name === 'auth') {
      throw s.error('sasl.jaas.config', `has the SASL extension ${/^\w+$/.test(name) ? `"${name}"` : 'option'} whose name is not allowed (letters only, not "auth").`, 'Rename the extension.');
    }
    if (!/^[\x21-\x7E \t\r\n]+$/.test(value)) {
      throw s.error('sasl.jaas.config', `has a value for the SASL extension "${name}" with characters SASL does not allow.`, 'Use printable ASCII characters only.');
    }
    out[name] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function milliseconds(s: Settings, key: string): number | undefined {
  const value = s.get(key);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw s.error(key, `is "${value}", not a number of milliseconds.`, 'Give a whole number of milliseconds, or remove it.');
  return Number(value);
}
