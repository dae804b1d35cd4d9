/**
 * OAuth 2 access tokens for SASL/OAUTHBEARER, from the identity provider's token endpoint with the
 * client-credentials grant, the way Kafka's OIDC login does it: POST `grant_type=client_credentials[&scope=...]`
 * (form-encoded) with HTTP Basic authentication of `client_id:client_secret` — URL-encoded first only with
 * `sasl.oauthbearer.header.urlencode=true`, Kafka's default being as they are — and `Accept: application/json`,
 * `Cache-Control: no-cache`. Errors name the endpoint, never the secret or a token.
 */
import { CdcError, maskTokens } from '../errors/index.js';
import type { KafkaOAuth } from './types.js';

/** Kafka's default `sasl.login.refresh.window.factor`: a token is replaced once 80 % of its lifetime has passed. */
const REFRESH_WINDOW_FACTOR = 0.8;
/** Kafka sets no timeout unless told; a token endpoint that never answers must not stall the worker for ever. */
const DEFAULT_TIMEOUT_MS = 30_000;
/** After a failed refresh, while the old token is still valid, wait at most this long before trying again. */
const RETRY_AFTER_FAILURE_MS = 10_000;

interface Token {
  value: string;
  expiresAt: number;
  refreshAt: number;
}

/**
 * Returns a function that resolves to a valid access token. The token is cached and fetched again once 80 % of
 * its lifetime has passed; concurrent callers share one request. If that refresh fails while the old token is
 * still valid, the old token is used (as Kafka's refresh thread keeps its credential) and the refresh is retried
 * later; once no valid token is left, the call rejects with a CdcError (`retriable` unless the endpoint refused
 * the client's credentials or request).
 */
export function createOAuthTokenProvider(oauth: KafkaOAuth, fetchImpl: typeof fetch = fetch, now: () => number = Date.now): () => Promise<string> {
  let cached: Token | undefined;
  let inFlight: Promise<string> | undefined;

  const refresh = (): Promise<string> => {
    inFlight ??= requestToken(oauth, fetchImpl, now)
      .then((token) => {
        cached = token;
        return token.value;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };

  return async () => {
    const current = cached;
    if (current === undefined || now() >= current.expiresAt) return refresh();
    if (now() < current.refreshAt) return current.value;
    try {
      return await refresh();
    } catch (err) {
      const left = current.expiresAt - now();
      if (left <= 0) throw err;
      current.refreshAt = now() + Math.min(RETRY_AFTER_FAILURE_MS, left / 2);
      return current.value;
    }
  };
}

async function requestToken(oauth: KafkaOAuth, fetchImpl: typeof fetch, now: () => number): Promise<Token> {
  const endpoint = describeEndpoint(oauth.tokenEndpointUrl);
  const secrets = [oauth.clientSecret, formEncode(oauth.clientSecret)];
  const fail = (problem: string, retriable: boolean, fix: string, cause?: unknown) =>
    new CdcError('KAFKA_OAUTH_TOKEN_FAILED', `Could not get an OAuth access token from ${endpoint}: ${maskTokens(problem, secrets)}`, { retriable, fix, cause });

  const encode = (value: string) => (oauth.urlEncodeCredentials ? formEncode(value) : value);
  const body = new URLSearchParams({ grant_type: 'client_credentials' });
  if (oauth.scope) body.set('scope', oauth.scope);
  const timeoutMs = oauth.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const started = now();

  let status: number;
  let text: string;
  try {
    const response = await fetchImpl(oauth.tokenEndpointUrl, {
      method: 'POST',
      headers: {
        Accept: 'application/json',
        Authorization: `Basic ${Buffer.from(`${encode(oauth.clientId)}:${encode(oauth.clientSecret)}`, 'utf8').toString('base64')}`,
        'Cache-Control': 'no-cache',
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: body.toString(),
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = response.status;
    text = await response.text();
  } catch (err) {
    const timedOut = (err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError';
    const reason = timedOut ? `no answer within ${timeoutMs} ms` : describeNetworkError(err);
    throw fail(reason, true, 'Check that the token endpoint is reachable from the worker (sasl.oauthbearer.token.endpoint.url, sasl.login.*.timeout.ms).', timedOut ? undefined : err);
  }

  if (status !== 200 && status !== 201) {
    // 4xx other than timeouts/throttling: the request itself is wrong (client id, secret, scope), so do not retry.
    const retriable = status >= 500 || status === 408 || status === 429;
    throw fail(`HTTP ${status}${describeOAuthError(text)}.`, retriable, retriable
      ? 'The identity provider is failing; the request is retried.'
      : 'Check the client id and secret (sasl.oauthbearer.client.credentials.*, or clientId/clientSecret in sasl.jaas.config) and the scope.');
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw fail(`HTTP ${status}, but the answer is not JSON.`, false, 'Check that sasl.oauthbearer.token.endpoint.url is the token endpoint of the identity provider.');
  }
  const { access_token: token, expires_in: expiresIn } = (json ?? {}) as { access_token?: unknown; expires_in?: unknown };
  if (typeof token !== 'string' || token.trim() === '') {
    throw fail('the answer has no access_token.', false, 'Check that sasl.oauthbearer.token.endpoint.url is the token endpoint of the identity provider.');
  }
  const expiresAt = typeof expiresIn === 'number' || (typeof expiresIn === 'string' && /^\d+(?:\.\d+)?$/.test(expiresIn))
    ? started + Number(expiresIn) * 1000
    : jwtExpiry(token);
  if (expiresAt === undefined || expiresAt <= started) {
    throw fail(expiresAt === undefined ? 'the answer says neither when the token expires (expires_in) nor is the token a JWT with an exp claim.'
      : 'the token it issued has already expired.', false, 'Check the identity provider\'s token settings.');
  }
  return { value: token.trim(), expiresAt, refreshAt: started + (expiresAt - started) * REFRESH_WINDOW_FACTOR };
}

/** The `exp` claim of a JWT, in ms, as Kafka reads a token's lifetime when the endpoint does not state it. */
function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** RFC 6749 error fields, as Kafka reports them; the rest of an error body may echo anything, so it is left out. */
function describeOAuthError(text: string): string {
  try {
    const { error, error_description: description } = JSON.parse(text) as { error?: unknown; error_description?: unknown };
    if (typeof error !== 'string') return '';
    const detail = typeof description === 'string' ? ` (${description.slice(0, 200)})` : '';
    return `, ${error.slice(0, 100)}${detail}`;
  } catch {
    return '';
  }
}

function describeNetworkError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}

/** Scheme, host and path: user info and query parameters can hold credentials. */
function describeEndpoint(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return 'the token endpoint';
  }
}

/** application/x-www-form-urlencoded, as Java's URLEncoder (space as +). */
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}
