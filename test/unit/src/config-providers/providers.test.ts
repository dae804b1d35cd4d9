import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  configProviderSpecs,
  createConfigProviders,
  createDirectoryConfigProvider,
  createEnvConfigProvider,
  createFileConfigProvider,
  hasConfigProviderReference,
  resolveConfigProviders,
  resolveConfigProvidersWithValues,
  type ConfigProvider,
} from '../../../../src/config-providers/index.js';
import { ConfigError } from '../../../../src/errors/index.js';

const dir = mkdtempSync(join(tmpdir(), 'cdc-config-providers-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const secretsFile = join(dir, 'secrets.properties');
writeFileSync(secretsFile, '# db\ndb.password = s3cr=t\ndb.user: replicator\n');
const plainFile = join(dir, 'db_password');
writeFileSync(plainFile, 'from-docker-secret\n');
const secretsDir = join(dir, 'run-secrets');
mkdirSync(secretsDir);
writeFileSync(join(secretsDir, 'api_token'), 'tok-123\r\n');

const env = { DB_HOST: 'db.internal', DB_PASS: 'env-pass', EMPTY: '' };
const all = () => ({
  env: createEnvConfigProvider({ env }),
  file: createFileConfigProvider(),
  directory: createDirectoryConfigProvider(),
});

function expectConfigError(fn: () => unknown, key: string, pattern: RegExp, notContaining: string[] = []): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    assert.equal(err.key, key);
    assert.equal(err.retriable, false);
    assert.match(err.message, pattern);
    for (const s of notContaining) assert.ok(!err.message.includes(s) && !(err.fix ?? '').includes(s), `message leaks ${s}: ${err.message}`);
    return true;
  });
}

test('env, file (properties), whole-file and directory references resolve, also several in one value', () => {
  const out = resolveConfigProviders(
    {
      'database.hostname': '${env:DB_HOST}',
      'database.password': `\${file:${secretsFile}:db.password}`,
      'database.user': `\${file:${secretsFile}:db.user}`,
      'driver.password': `\${file:${plainFile}}`,
      'api.token': `\${directory:${secretsDir}:api_token}`,
      'database.url': `mysql://\${file:${secretsFile}:db.user}@\${env:DB_HOST}:3306/\${env:EMPTY}`,
      'plain': 'no references',
    },
    { providers: all() },
  );
  assert.deepEqual(out, {
    'database.hostname': 'db.internal',
    'database.password': 's3cr=t',
    'database.user': 'replicator',
    'driver.password': 'from-docker-secret',
    'api.token': 'tok-123',
    'database.url': 'mysql://replicator@db.internal:3306/',
    'plain': 'no references',
  });
});

test('each file is read once per resolve, however many keys refer to it', () => {
  let reads = 0;
  const file = createFileConfigProvider();
  const counting: ConfigProvider = { get: (p, k) => { reads++; return file.get(p, k); }, missing: file.missing };
  resolveConfigProviders(
    { a: `\${f:${secretsFile}:db.password}`, b: `\${f:${secretsFile}:db.user}`, c: `x\${f:${secretsFile}:db.user}` },
    { providers: { f: counting } },
  );
  assert.equal(reads, 1);
});

test('values without references come back unchanged, in a copy', () => {
  const props = { a: 'x', b: '$notref', c: '${no-colon}', d: '' };
  const out = resolveConfigProviders(props);
  assert.deepEqual(out, props);
  assert.notEqual(out, props);
  assert.equal(hasConfigProviderReference('${env:X}'), true);
  assert.equal(hasConfigProviderReference('${nocolon}'), false);
});

test('no provider is enabled by default: a reference is an error naming the key and how to enable it', () => {
  expectConfigError(() => resolveConfigProviders({ 'database.password': '${env:DB_PASS}' }), 'database.password', /config provider "env" is not enabled/);
  try {
    resolveConfigProviders({ k: '${env:DB_PASS}' });
  } catch (err) {
    assert.match((err as ConfigError).fix!, /config\.providers=env/);
  }
});

test('an unknown provider names the key; other resolved secrets are never in the message', () => {
  expectConfigError(
    () => resolveConfigProviders({ 'database.password': '${env:DB_PASS}', 'other.secret': '${vault:secret/db:pw}' }, { providers: all() }),
    'other.secret',
    /\$\{vault:secret\/db:pw\}.*"vault" is not enabled.*\(enabled: env, file, directory\)/,
    ['env-pass'],
  );
});

test('a missing environment variable names the key and the variable', () => {
  expectConfigError(
    () => resolveConfigProviders({ 'database.hostname': '${env:DB_HOST}', 'database.password': '${env:NOPE}' }, { providers: all() }),
    'database.password',
    /refers to \$\{env:NOPE\}, but environment variable NOPE is not set/,
    ['db.internal'],
  );
});

test('a missing key in a properties file names the key, the file and the missing entry, not its other values', () => {
  expectConfigError(
    () => resolveConfigProviders({ 'database.password': `\${file:${secretsFile}:db.pass}` }, { providers: all() }),
    'database.password',
    new RegExp(`file ${secretsFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} has no key "db.pass"`),
    ['s3cr=t', 'replicator'],
  );
});

test('a missing or unreadable file is a ConfigError naming the key', () => {
  expectConfigError(() => resolveConfigProviders({ pw: `\${file:${join(dir, 'nope.properties')}:k}` }, { providers: all() }), 'pw', /does not exist/);
  expectConfigError(() => resolveConfigProviders({ pw: `\${file:${dir}:k}` }, { providers: all() }), 'pw', /is a directory/);
  if (process.getuid?.() !== 0) {
    const locked = join(dir, 'locked.properties');
    writeFileSync(locked, 'k=v');
    chmodSync(locked, 0o000);
    expectConfigError(() => resolveConfigProviders({ pw: `\${file:${locked}:k}` }, { providers: all() }), 'pw', /not readable/);
  }
  expectConfigError(() => resolveConfigProviders({ pw: `\${directory:${secretsDir}:nope}` }, { providers: all() }), 'pw', /has no file "nope"/);
  expectConfigError(() => resolveConfigProviders({ pw: '${file:relative.properties:k}' }, { providers: all() }), 'pw', /absolute path/);
});

test('allowed.paths confines the file provider, including against ../ escapes', () => {
  const providers = createConfigProviders(configProviderSpecs({ 'config.providers': 'file', 'config.providers.file.param.allowed.paths': secretsDir }));
  assert.equal(resolveConfigProviders({ t: `\${file:${join(secretsDir, 'api_token')}}` }, { providers }).t, 'tok-123');
  expectConfigError(() => resolveConfigProviders({ pw: `\${file:${secretsFile}:db.password}` }, { providers }), 'pw', /outside the file provider's allowed\.paths/);
  expectConfigError(() => resolveConfigProviders({ pw: `\${file:${secretsDir}/../secrets.properties:db.password}` }, { providers }), 'pw', /outside/);
});

test('allowed.paths: symlinks out of an allowed directory are refused (file and directory), a missing file outside is refused as outside', () => {
  const linkDir = join(dir, 'links');
  mkdirSync(linkDir);
  symlinkSync(secretsFile, join(linkDir, 'escape.properties'));
  symlinkSync(dir, join(linkDir, 'parent'));
  writeFileSync(join(linkDir, 'ok.properties'), 'k=v\n');
  symlinkSync(join(linkDir, 'ok.properties'), join(linkDir, 'inner-link.properties'));
  const providers = createConfigProviders(configProviderSpecs({
    'config.providers': 'file,directory',
    'config.providers.file.param.allowed.paths': ` ${linkDir} `,
    'config.providers.directory.param.allowed.paths': linkDir,
  }));
  const leaks = ['s3cr=t', 'replicator'];
  expectConfigError(() => resolveConfigProviders({ pw: `\${file:${join(linkDir, 'escape.properties')}:db.password}` }, { providers }), 'pw', /outside the file provider's allowed\.paths/, leaks);
  expectConfigError(() => resolveConfigProviders({ pw: `\${file:${linkDir}/parent/secrets.properties:db.password}` }, { providers }), 'pw', /outside/, leaks);
  expectConfigError(() => resolveConfigProviders({ pw: `\${directory:${linkDir}:escape.properties}` }, { providers }), 'pw', /outside the directory provider's allowed\.paths/, leaks);
  expectConfigError(() => resolveConfigProviders({ pw: `\${directory:${linkDir}/parent:db_password}` }, { providers }), 'pw', /outside/, ['from-docker-secret']);
  expectConfigError(() => resolveConfigProviders({ pw: `\${file:${join(dir, 'no-such.properties')}:k}` }, { providers }), 'pw', /outside/);
  // A link that stays inside is fine.
  assert.equal(resolveConfigProviders({ k: `\${file:${join(linkDir, 'inner-link.properties')}:k}` }, { providers }).k, 'v');
});

test('allowed.paths entries must be absolute and exist, as in Connect; empty means everywhere', () => {
  for (const bad of ['relative/dir', join(dir, 'does-not-exist'), `${secretsDir},relative`]) {
    assert.throws(
      () => createConfigProviders(configProviderSpecs({ 'config.providers': 'file', 'config.providers.file.param.allowed.paths': bad })),
      (e: unknown) => e instanceof ConfigError && e.key === 'config.providers.file.param.allowed.paths' && /must be absolute and exist/.test(e.message),
    );
  }
  const open = createConfigProviders(configProviderSpecs({ 'config.providers': 'file', 'config.providers.file.param.allowed.paths': ' , ' }));
  assert.equal(resolveConfigProviders({ pw: `\${file:${secretsFile}:db.password}` }, { providers: open }).pw, 's3cr=t');
});

test('resolveConfigProvidersWithValues lists every value substituted, whatever the key, and the whole values built from them', () => {
  const { props, provided } = resolveConfigProvidersWithValues(
    { 'database.hostname': '${env:DB_HOST}', 'topic.prefix': 'p-${env:DB_PASS}', plain: 'x' },
    { providers: all() },
  );
  assert.deepEqual(props, { 'database.hostname': 'db.internal', 'topic.prefix': 'p-env-pass', plain: 'x' });
  assert.deepEqual(provided.sort(), ['db.internal', 'env-pass', 'p-env-pass']);
  assert.deepEqual(resolveConfigProvidersWithValues({ a: 'b' }).provided, []);
});

test('a properties file with a malformed escape is reported without quoting its text', () => {
  const bad = join(dir, 'bad-escape.properties');
  writeFileSync(bad, 'k=\\uZZ9Q-secret\n');
  expectConfigError(() => resolveConfigProviders({ pw: `\${file:${bad}:k}` }, { providers: all() }), 'pw', /Malformed \\uxxxx encoding/, ['ZZ9Q']);
});

test('the env provider\'s allowlist.pattern limits which variables can be read', () => {
  const providers = { env: createEnvConfigProvider({ env, allowlistPattern: 'DB_HOST|DB_PORT' }) };
  assert.equal(resolveConfigProviders({ h: '${env:DB_HOST}' }, { providers }).h, 'db.internal');
  expectConfigError(() => resolveConfigProviders({ p: '${env:DB_PASS}' }, { providers }), 'p', /not allowed by the env provider's allowlist\.pattern/);
});

test('configProviderSpecs reads names, Connect class names and params, and refuses unknown classes', () => {
  assert.deepEqual(configProviderSpecs({}), []);
  assert.deepEqual(
    configProviderSpecs({
      'config.providers': 'env, secrets,dir',
      'config.providers.secrets.class': 'org.apache.kafka.common.config.provider.FileConfigProvider',
      'config.providers.secrets.param.allowed.paths': '/etc/cdc',
      'config.providers.dir.class': 'org.apache.kafka.common.config.provider.DirectoryConfigProvider',
    }),
    [
      { name: 'env', kind: 'env', params: {} },
      { name: 'secrets', kind: 'file', params: { 'allowed.paths': '/etc/cdc' } },
      { name: 'dir', kind: 'directory', params: {} },
    ],
  );
  assert.throws(() => configProviderSpecs({ 'config.providers': 'vault' }), (e: unknown) => e instanceof ConfigError && e.key === 'config.providers');
  assert.throws(
    () => configProviderSpecs({ 'config.providers': 'v', 'config.providers.v.class': 'io.confluent.VaultProvider' }),
    (e: unknown) => e instanceof ConfigError && e.key === 'config.providers.v.class',
  );
});

test('a provider named in a custom way resolves under that name', () => {
  const providers = createConfigProviders(configProviderSpecs({
    'config.providers': 'secrets', 'config.providers.secrets.class': 'org.apache.kafka.common.config.provider.FileConfigProvider',
  }));
  assert.equal(resolveConfigProviders({ pw: `\${secrets:${secretsFile}:db.password}` }, { providers }).pw, 's3cr=t');
});
