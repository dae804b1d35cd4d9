/**
 * `ssl.*` settings → KafkaTls: trust and key stores (PEM, or a PKCS#12 key store) read and checked when the
 * settings are read, TLS versions, host name checking. JKS and JVM-only settings are refused with a fix.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import type { Settings } from './client-settings.js';
import type { KafkaTls } from './types.js';

export function parseTls(s: Settings, readFile: (path: string) => Buffer): KafkaTls {
  refuseJvmOnly(s);
  const tls: KafkaTls = { verifyHostname: verifyHostname(s), ...tlsVersions(s) };
  const ca = truststore(s, readFile);
  if (ca !== undefined) tls.ca = ca;
  return { ...tls, ...keystore(s, readFile) };
}

function refuseJvmOnly(s: Settings): void {
  for (const key of ['ssl.cipher.suites', 'ssl.provider', 'ssl.engine.factory.class', 'ssl.secure.random.implementation']) {
    if (s.get(key) !== undefined) {
      throw s.error(key, 'configures Java\'s TLS implementation and has no equivalent in Node.js.',
        `Remove ${s.name(key)}; Node.js negotiates TLS 1.2/1.3 with its own secure defaults.`);
    }
  }
  const defaults: [string, string][] = [['ssl.keymanager.algorithm', 'SunX509'], ['ssl.trustmanager.algorithm', 'PKIX']];
  for (const [key, only] of defaults) {
    const value = s.get(key);
    if (value !== undefined && value.toLowerCase() !== only.toLowerCase()) {
      throw s.error(key, `is "${value}"; only Kafka's default ${only} can be honoured in Node.js.`, `Remove ${s.name(key)}.`);
    }
  }
}

function verifyHostname(s: Settings): boolean {
  const key = 'ssl.endpoint.identification.algorithm';
  if (!s.isSet(key)) return true; // Kafka's default: https
  const value = s.get(key);
  if (value === undefined) return false; // empty: host name verification off, as in Kafka
  if (value.toLowerCase() === 'https') return true;
  throw s.error(key, `is "${value}"; only https (check the broker's host name) or empty (do not) exist.`, `Set ${s.name(key)}=https, or leave it empty.`);
}

type TlsVersion = 'TLSv1.2' | 'TLSv1.3';
const OLD_TLS = /^(?:SSL|SSLv2|SSLv3|SSLv2Hello|TLSv1|TLSv1\.0|TLSv1\.1)$/i;

/** `ssl.enabled.protocols` chooses the versions; `ssl.protocol=TLSv1.2` caps them at 1.2 (Kafka's docs say so). */
function tlsVersions(s: Settings): Pick<KafkaTls, 'minVersion' | 'maxVersion'> {
  let versions: TlsVersion[] = ['TLSv1.2', 'TLSv1.3'];
  const listed = s.get('ssl.enabled.protocols');
  if (listed !== undefined) {
    versions = listed.split(',').map((v) => v.trim()).filter((v) => v !== '').map((v) => tlsVersion(s, 'ssl.enabled.protocols', v));
  }
  const protocol = s.get('ssl.protocol');
  if (protocol !== undefined && protocol.toUpperCase() !== 'TLS' && tlsVersion(s, 'ssl.protocol', protocol) === 'TLSv1.2') {
    versions = versions.filter((v) => v === 'TLSv1.2');
    if (versions.length === 0) {
      throw s.error('ssl.protocol', `is TLSv1.2, but ${s.name('ssl.enabled.protocols')} allows only TLSv1.3: no version is left.`,
        `Add TLSv1.2 to ${s.name('ssl.enabled.protocols')}, or set ${s.name('ssl.protocol')}=TLSv1.3.`);
    }
  }
  return {
    ...(versions.includes('TLSv1.2') ? {} : { minVersion: 'TLSv1.3' as const }),
    ...(versions.includes('TLSv1.3') ? {} : { maxVersion: 'TLSv1.2' as const }),
  };
}

function tlsVersion(s: Settings, key: string, value: string): TlsVersion {
  if (value.toUpperCase() === 'TLSV1.2') return 'TLSv1.2';
  if (value.toUpperCase() === 'TLSV1.3') return 'TLSv1.3';
  if (OLD_TLS.test(value)) throw s.error(key, `has ${value}, an obsolete, insecure protocol version.`, 'Use TLSv1.2 and/or TLSv1.3.');
  throw s.error(key, `has "${value}", which is not a TLS protocol version.`, 'Use TLSv1.2 and/or TLSv1.3.');
}

function storeType(s: Settings, key: string): string {
  return (s.get(key) ?? 'JKS').toUpperCase(); // JKS: Kafka's default for both stores
}

/** The trusted CAs (PEM), or undefined for Node's built-in roots. */
function truststore(s: Settings, readFile: (path: string) => Buffer): string | undefined {
  const type = storeType(s, 'ssl.truststore.type');
  const inline = s.get('ssl.truststore.certificates');
  const location = s.get('ssl.truststore.location');
  if (inline !== undefined) {
    if (type !== 'PEM') {
      throw s.error('ssl.truststore.type', `is ${type}, but ssl.truststore.certificates holds PEM certificates.`,
        `Set ${s.name('ssl.truststore.type', 'ssl.truststore.certificates')}=PEM.`, 'ssl.truststore.certificates');
    }
    if (location !== undefined) {
      throw s.error('ssl.truststore.location', 'is set together with ssl.truststore.certificates.', 'Give the CA certificates inline or in a file, not both.');
    }
    refusePemPassword(s, 'ssl.truststore.password');
    return certificates(s, 'ssl.truststore.certificates', inline, 'holds');
  }
  if (location === undefined) {
    if (s.get('ssl.truststore.password') !== undefined) {
      throw s.error('ssl.truststore.password', 'is set, but no trust store is (ssl.truststore.location).', 'Set the trust store location, or remove the password.');
    }
    return undefined;
  }
  const typeName = s.name('ssl.truststore.type', 'ssl.truststore.location');
  if (type === 'PEM') {
    refusePemPassword(s, 'ssl.truststore.password');
    return certificates(s, 'ssl.truststore.location', readText(s, 'ssl.truststore.location', readFile), `names the file ${location}, which holds`);
  }
  const toPem = type === 'PKCS12'
    ? `openssl pkcs12 -in ${location} -nokeys -out ca.pem`
    : `keytool -exportcert -rfc -keystore ${location} -alias <ca alias> -file ca.pem`;
  if (type === 'JKS' || type === 'PKCS12') {
    const why = type === 'JKS'
      ? `names ${location}, which is read as a JKS trust store (${typeName}${s.isSet('ssl.truststore.type') ? '' : ' defaults to JKS, as in Kafka'}), a Java format Node.js cannot read.`
      : `names ${location}, a PKCS#12 trust store; Node.js cannot take certificates alone from PKCS#12 as trusted CAs.`;
    throw s.error('ssl.truststore.location', why,
      `Export the CA certificates as PEM (${toPem}), point ${s.name('ssl.truststore.location')} at that file and set ${typeName}=PEM (if the file already is PEM, just set ${typeName}=PEM).`);
  }
  throw s.error('ssl.truststore.type', `is "${type}", which is not a trust store type.`, 'Use PEM.');
}

type KeyMaterial = Pick<KafkaTls, 'cert' | 'key' | 'keyPassword' | 'pfx' | 'pfxPassword'>;

/** The client certificate and key (for brokers that require client authentication), if configured. */
function keystore(s: Settings, readFile: (path: string) => Buffer): KeyMaterial {
  const type = storeType(s, 'ssl.keystore.type');
  const key = s.get('ssl.keystore.key');
  const chain = s.get('ssl.keystore.certificate.chain');
  const location = s.get('ssl.keystore.location');
  const password = s.get('ssl.keystore.password');
  const keyPassword = s.get('ssl.key.password');
  const typeName = s.name('ssl.keystore.type', location === undefined ? 'ssl.keystore.key' : 'ssl.keystore.location');
  if (key !== undefined || chain !== undefined) {
    if (key === undefined) throw s.error('ssl.keystore.certificate.chain', 'is set, but ssl.keystore.key is not.', 'Give the private key in ssl.keystore.key too.');
    if (chain === undefined) throw s.error('ssl.keystore.key', 'is set, but ssl.keystore.certificate.chain is not.', 'Give the certificate chain in ssl.keystore.certificate.chain too.');
    if (type !== 'PEM') throw s.error('ssl.keystore.type', `is ${type}, but ssl.keystore.key holds a PEM key.`, `Set ${typeName}=PEM.`, 'ssl.keystore.key');
    if (location !== undefined) throw s.error('ssl.keystore.location', 'is set together with ssl.keystore.key.', 'Give the key and certificates inline or in a file, not both.');
    refusePemPassword(s, 'ssl.keystore.password');
    return pemKeyPair(s, { key: 'ssl.keystore.key', chain: 'ssl.keystore.certificate.chain' }, key, chain, keyPassword);
  }
  if (location === undefined) {
    if (password !== undefined) throw s.error('ssl.keystore.password', 'is set, but no key store is (ssl.keystore.location).', 'Set the key store location, or remove the password.');
    return {};
  }
  if (type === 'PEM') {
    refusePemPassword(s, 'ssl.keystore.password');
    const text = readText(s, 'ssl.keystore.location', readFile);
    return pemKeyPair(s, { key: 'ssl.keystore.location', chain: 'ssl.keystore.location' }, text, text, keyPassword);
  }
  if (type === 'PKCS12') return pkcs12(s, location, password, keyPassword, readFile);
  if (type === 'JKS') {
    throw s.error('ssl.keystore.location', `names ${location}, which is read as a JKS key store (${typeName}${s.isSet('ssl.keystore.type') ? '' : ' defaults to JKS, as in Kafka'}), a Java format Node.js cannot read.`,
      `Convert it (keytool -importkeystore -srckeystore ${location} -destkeystore keystore.p12 -deststoretype PKCS12) and set ${typeName}=PKCS12, or use PEM.`);
  }
  throw s.error('ssl.keystore.type', `is "${type}", which is not a key store type.`, 'Use PKCS12 or PEM.');
}

function pkcs12(s: Settings, location: string, password: string | undefined, keyPassword: string | undefined, readFile: (path: string) => Buffer): KeyMaterial {
  if (password === undefined) throw s.error('ssl.keystore.password', 'is required to open the PKCS12 key store.', `Set ${s.name('ssl.keystore.password', 'ssl.keystore.location')}.`, 'ssl.keystore.location');
  if (keyPassword !== undefined && keyPassword !== password) {
    throw s.error('ssl.key.password', 'differs from ssl.keystore.password; Node.js opens a PKCS12 key store with one password.',
      `Re-export the key store with the key under the store password (openssl pkcs12), or remove ${s.name('ssl.key.password')} if it is not needed.`);
  }
  const pfx = readBytes(s, 'ssl.keystore.location', readFile);
  try {
    createSecureContext({ pfx, passphrase: password });
  } catch (err) {
    const wrongPassword = /mac verify failure|bad decrypt/i.test((err as Error).message);
    throw s.error(wrongPassword ? 'ssl.keystore.password' : 'ssl.keystore.location',
      wrongPassword ? `does not open the PKCS12 key store ${location}.` : `(${location}) cannot be loaded as a PKCS12 key store with a private key: ${(err as Error).message}.`,
      wrongPassword ? 'Give the key store\'s password.' : 'Check the file; a key store made with old legacy encryption can be re-exported with a current openssl pkcs12 -export.');
  }
  return { pfx, pfxPassword: password };
}

function refusePemPassword(s: Settings, key: string): void {
  if (s.get(key) !== undefined) {
    throw s.error(key, 'cannot be used with PEM stores (Kafka refuses it too): PEM files have no store password.',
      `Remove ${s.name(key)}; an encrypted PEM private key takes its password from ssl.key.password.`);
  }
}

function readBytes(s: Settings, key: string, readFile: (path: string) => Buffer): Buffer {
  const path = s.get(key)!;
  try {
    return readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? (err as Error).message})`;
    throw s.error(key, `names the file ${path}, which ${why}.`, `Check the path of ${s.name(key)} and that the worker can read the file.`);
  }
}

function readText(s: Settings, key: string, readFile: (path: string) => Buffer): string {
  return readBytes(s, key, readFile).toString('utf8');
}

// ---------------------------------------------------------------------------------------------------------------
// PEM

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/**
 * The PEM blocks of `text`, in canonical layout. Inline values from a .properties file lose their line breaks
 * (continuation lines are joined), which Kafka accepts and OpenSSL does not, so the base64 is re-wrapped.
 */
function pemBlocks(text: string): { label: string; pem: string }[] {
  return [...text.matchAll(PEM_BLOCK)].map((m) => {
    const label = m[1]!;
    // Legacy encrypted keys carry "Proc-Type:"/"DEK-Info:" headers whose line breaks matter: keep those as written.
    if (m[2]!.includes(':')) return { label, pem: `${m[0]}\n` };
    const base64 = m[2]!.replace(/\s+/g, '');
    return { label, pem: `-----BEGIN ${label}-----\n${base64.replace(/.{64}(?!$)/g, '$&\n')}\n-----END ${label}-----\n` };
  });
}

/** The X.509 certificates of `text`, checked, as one PEM string. `holder` begins the error: "holds", "names the file x, which holds". */
function certificates(s: Settings, key: string, text: string, holder: string): string {
  const blocks = pemBlocks(text).filter((b) => b.label === 'CERTIFICATE');
  const fix = 'Give X.509 certificates in PEM format (-----BEGIN CERTIFICATE-----).';
  if (blocks.length === 0) throw s.error(key, `${holder} no PEM certificate.`, fix);
  blocks.forEach((b, i) => {
    try {
      new X509Certificate(b.pem);
    } catch {
      throw s.error(key, `${holder} a certificate (number ${i + 1}) that cannot be read.`, fix);
    }
  });
  return blocks.map((b) => b.pem).join('');
}

function pemKeyPair(s: Settings, keys: { key: string; chain: string }, keyText: string, chainText: string, password: string | undefined): KeyMaterial {
  const inFile = keys.key === 'ssl.keystore.location';
  const holder = inFile ? `names the file ${s.get(keys.key)}, which holds` : 'holds';
  const keyBlocks = pemBlocks(keyText).filter((b) => b.label.endsWith('PRIVATE KEY'));
  if (keyBlocks.length !== 1) {
    throw s.error(keys.key, `${holder} ${keyBlocks.length === 0 ? 'no' : 'more than one'} PEM private key.`, 'Give exactly one private key in PEM format (-----BEGIN PRIVATE KEY-----).');
  }
  const keyPem = keyBlocks[0]!.pem;
  const encrypted = keyPem.includes('ENCRYPTED');
  if (encrypted && password === undefined) {
    throw s.error('ssl.key.password', `is not set, but the private key of ${s.name(keys.key)} is encrypted.`, `Set ${s.name('ssl.key.password', keys.key)} to the key's password.`, keys.key);
  }
  let privateKey;
  try {
    privateKey = createPrivateKey({ key: keyPem, format: 'pem', ...(password === undefined ? {} : { passphrase: password }) });
  } catch (err) {
    if (encrypted) throw s.error('ssl.key.password', `does not decrypt the private key of ${s.name(keys.key)}.`, 'Give the password the key was encrypted with.');
    throw s.error(keys.key, `${holder} a private key that cannot be read (${(err as NodeJS.ErrnoException).code ?? 'invalid'}).`,
      'Give an RSA or EC private key in PEM format (PKCS#8 as Kafka expects; PKCS#1 and SEC1 work too).');
  }
  const chain = certificates(s, keys.chain, chainText, inFile ? holder : 'holds');
  if (!new X509Certificate(chain).checkPrivateKey(privateKey)) {
    throw s.error(keys.chain, `${inFile ? holder : 'holds'} certificates, but the first is not the private key's certificate.`,
      'Put the client certificate (the one issued for this key) first, then its CA chain.');
  }
  return { cert: chain, key: keyPem, ...(password === undefined ? {} : { keyPassword: password }) };
}
