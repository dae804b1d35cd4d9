/**
 * What the REST server is told about its listeners and security, already checked by the worker's config
 * (src/worker/rest-config.ts): the REST layer only applies these, it never reads properties itself.
 */

export type RestProtocol = 'http' | 'https';

export interface RestListener {
  protocol: RestProtocol;
  /** Interface to bind; '0.0.0.0' for all. */
  host: string;
  /** 0 asks the OS for a free port. */
  port: number;
}

/** TLS of the https listeners (and of requests forwarded to other workers over https). */
export interface RestTls {
  cert?: string;
  key?: string;
  keyPassword?: string;
  pfx?: Buffer;
  pfxPassword?: string;
  /** Trusted CAs (PEM): client certificates must chain to them; forwarded requests trust them. */
  ca?: string;
  /** `ssl.client.auth`. */
  clientAuth: 'none' | 'requested' | 'required';
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
  maxVersion?: 'TLSv1.2' | 'TLSv1.3';
  /** `ssl.endpoint.identification.algorithm`, for the certificates of workers we forward to. */
  verifyHostname: boolean;
}

export type RestRole = 'admin' | 'reader';

export interface RestUser {
  /** Plain text, `SCRYPT:...` or a bcrypt hash (`$2a$`/`$2b$`/`$2y$`); checked by ./credentials.ts. */
  password: string;
  roles: RestRole[];
}

export interface RestAuth {
  realm: string;
  users: ReadonlyMap<string, RestUser>;
}

export interface RestCors {
  /** Allowed origins; `*` allows any. Empty: no CORS headers at all. */
  allowOrigins: string[];
  allowMethods: string[];
}

export interface RestSecurity {
  tls?: RestTls;
  auth?: RestAuth;
  cors: RestCors;
  /** Whether ad-hoc snapshot requests may carry `additional-conditions` while no authentication is configured. */
  additionalConditionsWithoutAuth: boolean;
}
