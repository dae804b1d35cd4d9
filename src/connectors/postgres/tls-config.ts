/**
 * The PostgreSQL connector's TLS keys, Debezium's (libpq's) names: `database.sslmode`, `database.sslrootcert`,
 * `database.sslcert`, `database.sslkey`, `database.sslpassword`. Files are checked at validate (a 400 naming the
 * key) and read at each connection. A file that a mode would not use is refused, since it cannot be honoured.
 */
import { readFileSync } from 'node:fs';
import type { ConfigKeyDef, ConfigValue } from '../../connect-api/index.js';
import { PG_SSL_MODES, SYSTEM_ROOT_CERT, type PgSslMode, type PgTls } from '../../db/postgres-tls.js';

type Validate = NonNullable<ConfigKeyDef['validate']>;

const set = (v: ConfigValue | undefined): v is string => typeof v === 'string' && v !== '';
const modeOf = (all: Readonly<Record<string, ConfigValue>>) => (all['database.sslmode'] ?? 'prefer') as PgSslMode;

function unreadable(path: string): string | undefined {
  try {
    readFileSync(path);
    return undefined;
  } catch (err) {
    return `Cannot read the file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
}

const rootCert: Validate = (v, all) => {
  const mode = modeOf(all);
  if (!set(v)) {
    return mode === 'verify-ca' || mode === 'verify-full'
      ? `database.sslmode=${mode} verifies the server's certificate: set this to the CA file that signed it${mode === 'verify-full' ? ` (or "${SYSTEM_ROOT_CERT}" for the system's CAs)` : ''}`
      : undefined;
  }
  if (mode === 'disable' || mode === 'allow' || mode === 'prefer') {
    return `Only used to verify the server's certificate, which database.sslmode=${mode} never does: use require, verify-ca or verify-full, or remove it`;
  }
  if (v === SYSTEM_ROOT_CERT) {
    // libpq: the system's CAs sign certificates for public names; anything weaker than verify-full would trust any of them
    return mode === 'verify-full' ? undefined : `"${SYSTEM_ROOT_CERT}" needs database.sslmode=verify-full (as in libpq)`;
  }
  return unreadable(v) ?? (readFileSync(v, 'latin1').includes('-----BEGIN CERTIFICATE') ? undefined : 'Not a PEM file of CA certificates');
};

const clientFile: Validate = (v, all) => {
  if (!set(v)) return undefined;
  if (modeOf(all) === 'disable') return 'Has no effect with database.sslmode=disable; remove it or choose a TLS mode';
  return unreadable(v);
};

const sslCert: Validate = (v, all) =>
  clientFile(v, all) ?? (set(v) && !set(all['database.sslkey']) ? 'Needs "database.sslkey" too (a client certificate and its key)' : undefined);

const sslKey: Validate = (v, all) => {
  const bad = clientFile(v, all);
  if (bad || !set(v)) return bad;
  const pkcs12 = /\.(p12|pfx)$/i.test(v);
  return !pkcs12 && !set(all['database.sslcert']) ? 'Needs "database.sslcert" too, unless it is a .p12/.pfx file holding both' : undefined;
};

export function pgTlsKeys(group: string, order: number): ConfigKeyDef[] {
  const key = (def: Omit<ConfigKeyDef, 'group' | 'orderInGroup' | 'importance'>, i: number): ConfigKeyDef =>
    ({ importance: 'MEDIUM', group, orderInGroup: order + i, ...def });
  return [
    key({ name: 'database.sslmode', type: 'STRING', default: 'prefer', allowed: [...PG_SSL_MODES],
      documentation: 'TLS as libpq: disable; allow (plain, then TLS if the server refuses plain); prefer (TLS, then plain if TLS fails or is refused); ' +
        'require (TLS, certificate not checked, unless database.sslrootcert is set: then as verify-ca); verify-ca (chain); verify-full (chain and host name).' }, 0),
    key({ name: 'database.sslrootcert', type: 'STRING', default: null, validate: rootCert,
      documentation: `PEM file of the CAs that verify the server (require, verify-ca, verify-full), or "${SYSTEM_ROOT_CERT}" (verify-full only) for the system's CAs. Needed by verify-ca and verify-full; ~/.postgresql/root.crt is not read.` }, 1),
    key({ name: 'database.sslcert', type: 'STRING', default: null, validate: sslCert,
      documentation: 'PEM client certificate, for servers that ask for one (hostssl ... cert / clientcert).' }, 2),
    key({ name: 'database.sslkey', type: 'STRING', default: null, validate: sslKey,
      documentation: 'Client key: PEM, DER PKCS#8 (pgjdbc\'s .pk8), or a .p12/.pfx file holding the key and certificate.' }, 3),
    key({ name: 'database.sslpassword', type: 'PASSWORD', default: null,
      documentation: 'Password of an encrypted database.sslkey.' }, 4),
  ];
}

/** The typed TLS settings from the parsed values. */
export function pgTlsFromConfig(s: Readonly<Record<string, ConfigValue>>): PgTls {
  const rootCert = s['database.sslrootcert'];
  const cert = s['database.sslcert'];
  const key = s['database.sslkey'];
  const password = s['database.sslpassword'];
  return {
    mode: modeOf(s),
    ...(set(rootCert) && { rootCert }),
    ...(set(cert) && { cert }),
    ...(set(key) && { key }),
    ...(set(password) && { password }),
  };
}
