/**
 * The MySQL/MariaDB connector's TLS keys: Debezium's `database.ssl.mode`, `database.ssl.keystore[.password]` and
 * `database.ssl.truststore[.password]`, and our PEM alternatives `database.ssl.ca`, `database.ssl.cert` and
 * `database.ssl.key`. Files are checked at validate (a 400 naming the key) and read at each connection, so a
 * renewed certificate is picked up by a restart. The keystore and truststore must be PEM: JKS needs a Java parser,
 * a PKCS#12 truststore (certificates only) cannot be loaded by Node's TLS, and mysql2 ignores PKCS#12 keystores;
 * they are refused with the command that converts them.
 */
import { readFileSync } from 'node:fs';
import type { ConfigKeyDef, ConfigValue } from '../../connect-api/index.js';
import { MYSQL_SSL_MODES, storeFormat, type KeyedFile, type MySqlSslMode, type MySqlTls } from '../../db/mysql-tls.js';

type Validate = NonNullable<ConfigKeyDef['validate']>;

const set = (v: ConfigValue | undefined): v is string => typeof v === 'string' && v !== '';

function fileBytes(path: string): Buffer | string {
  try {
    return readFileSync(path);
  } catch (err) {
    return `Cannot read the file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
}

const modeOf = (all: Readonly<Record<string, ConfigValue>>) => (all['database.ssl.mode'] ?? 'preferred') as MySqlSslMode;
const VERIFYING: readonly MySqlSslMode[] = ['verify_ca', 'verify_identity'];

/** A CA (PEM) is used only by the verifying modes: elsewhere it could not be honoured. */
const caFile = (other: string, pemOnlyFix: string): Validate => (v, all) => {
  if (!set(v)) return undefined;
  if (set(all[other])) return `Cannot be set together with "${other}"; use one of them`;
  if (!VERIFYING.includes(modeOf(all))) {
    return `A CA is only used to verify the server's certificate: set database.ssl.mode to verify_ca or verify_identity (it is ${modeOf(all)})`;
  }
  const bytes = fileBytes(v);
  if (typeof bytes === 'string') return bytes;
  const format = storeFormat(bytes);
  if (format === 'pem') return undefined;
  return format === 'jks' || format === 'pkcs12' ? `${format.toUpperCase()} truststores are not supported; ${pemOnlyFix}` : 'Not a PEM file of CA certificates';
};

const CONVERT_TRUSTSTORE =
  'export the CA as PEM (keytool -exportcert -rfc -alias <ca> -keystore <file> -file ca.pem, or openssl pkcs12 -in <file> -nokeys -out ca.pem) ' +
  'and set database.ssl.ca (or database.ssl.truststore) to it';

const noTlsNoFile: Validate = (v, all) =>
  set(v) && modeOf(all) === 'disabled' ? 'Has no effect with database.ssl.mode=disabled; remove it or choose a TLS mode' : undefined;

const keystoreFile: Validate = (v, all) => {
  if (!set(v)) return undefined;
  if (set(all['database.ssl.cert']) || set(all['database.ssl.key'])) return 'Cannot be set together with "database.ssl.cert"/"database.ssl.key"; use one of them';
  const off = noTlsNoFile(v, all);
  if (off) return off;
  const bytes = fileBytes(v);
  if (typeof bytes === 'string') return bytes;
  const format = storeFormat(bytes);
  if (format === 'pem') return undefined;
  return format === 'jks' || format === 'pkcs12'
    ? `${format.toUpperCase()} keystores are not supported; convert it to PEM (openssl pkcs12 -in <file> -nodes -out keystore.pem, ` +
      'or keytool -importkeystore -deststoretype PKCS12 first for JKS) and set database.ssl.keystore to it, or use database.ssl.cert and database.ssl.key'
    : 'Not a PEM file with the client key and certificate';
};

const pemFile = (pair: string): Validate => (v, all) => {
  if (!set(v)) return undefined;
  if (!set(all[pair])) return `Needs "${pair}" too (a client certificate and its key)`;
  const off = noTlsNoFile(v, all);
  if (off) return off;
  const bytes = fileBytes(v);
  if (typeof bytes === 'string') return bytes;
  return storeFormat(bytes) === 'pem' ? undefined : 'Not a PEM file';
};

export function mysqlTlsKeys(group: string, order: number): ConfigKeyDef[] {
  const key = (def: Omit<ConfigKeyDef, 'group' | 'orderInGroup' | 'importance'>, i: number): ConfigKeyDef =>
    ({ importance: 'MEDIUM', group, orderInGroup: order + i, ...def });
  return [
    key({ name: 'database.ssl.mode', type: 'STRING', default: 'preferred', allowed: [...MYSQL_SSL_MODES],
      documentation: 'TLS to the server: disabled; preferred (TLS when the server offers it, else plain); required (TLS, certificate not checked); ' +
        'verify_ca (certificate checked against database.ssl.ca/truststore, or the system CAs); verify_identity (also the host name).' }, 0),
    key({ name: 'database.ssl.truststore', type: 'STRING', default: null, validate: caFile('database.ssl.ca', CONVERT_TRUSTSTORE),
      documentation: 'CA certificates that verify the server (verify_ca, verify_identity). Only PEM files are read; JKS and PKCS#12 are refused with the command that converts them.' }, 1),
    key({ name: 'database.ssl.truststore.password', type: 'PASSWORD', default: null,
      documentation: 'Password of database.ssl.truststore; not needed for PEM, accepted for Debezium compatibility.' }, 2),
    key({ name: 'database.ssl.keystore', type: 'STRING', default: null, validate: keystoreFile,
      documentation: 'Client certificate and key for servers that require one (REQUIRE X509): a PEM file with the key and the certificate chain. JKS and PKCS#12 are refused with the command that converts them.' }, 3),
    key({ name: 'database.ssl.keystore.password', type: 'PASSWORD', default: null,
      documentation: 'Password of the (encrypted) key in database.ssl.keystore.' }, 4),
    key({ name: 'database.ssl.ca', type: 'STRING', default: null, validate: caFile('database.ssl.truststore', CONVERT_TRUSTSTORE),
      documentation: 'tscdc: PEM file of CA certificates that verify the server (verify_ca, verify_identity); the system CAs when unset.' }, 5),
    key({ name: 'database.ssl.cert', type: 'STRING', default: null, validate: pemFile('database.ssl.key'),
      documentation: 'tscdc: PEM client certificate (with database.ssl.key), instead of database.ssl.keystore.' }, 6),
    key({ name: 'database.ssl.key', type: 'STRING', default: null, validate: pemFile('database.ssl.cert'),
      documentation: 'tscdc: unencrypted PEM private key of database.ssl.cert.' }, 7),
  ];
}

/** The typed TLS settings from the parsed values. */
export function mysqlTlsFromConfig(s: Readonly<Record<string, ConfigValue>>): MySqlTls {
  const file = (key: string): KeyedFile | undefined => (set(s[key]) ? { key, path: s[key] } : undefined);
  const ca = file('database.ssl.ca') ?? file('database.ssl.truststore');
  const cert = file('database.ssl.cert');
  const key = file('database.ssl.key');
  const keystore = file('database.ssl.keystore');
  const keystorePassword = s['database.ssl.keystore.password'];
  return {
    mode: modeOf(s),
    ...(ca && { ca }),
    ...(cert && { cert }),
    ...(key && { key }),
    ...(keystore && { keystore }),
    ...(set(keystorePassword) && { keystorePassword }),
  };
}
