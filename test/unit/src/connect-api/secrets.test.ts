import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigDef } from '../../../../src/connect-api/config-def.js';
import { ConfigError } from '../../../../src/errors/index.js';
import { collectSecretValues, maskSecrets, redactSecretsInText, restoreMaskedSecrets, SECRET_MASK } from '../../../../src/connect-api/index.js';

const def: ConfigDef = {
  keys: [
    { name: 'database.hostname', type: 'STRING', documentation: '' },
    { name: 'database.password', type: 'PASSWORD', documentation: '' },
    { name: 'database.ssl.truststore.password', type: 'PASSWORD', default: null, documentation: '' },
    // Typed explicitly as not secret, even though the name says "token".
    { name: 'token.count', type: 'INT', default: 1, documentation: '' },
  ],
  passthroughPrefixes: ['driver.', 'producer.override.'],
};

test('maskSecrets hides PASSWORD values and secret-looking pass-through keys, and nothing else', () => {
  const props = {
    'database.hostname': 'db', 'database.password': 'pw1', 'token.count': '3',
    'driver.password': 'pw2', 'producer.override.sasl.jaas.config': 'org.apache...PlainLoginModule required password="pw3";',
    'driver.useSSL': 'true', 'producer.override.ssl.keystore.key': '-----BEGIN PRIVATE KEY-----...', 'producer.override.ssl.keystore.location': '/k.pem',
  };
  const masked = maskSecrets(def, props);
  assert.deepEqual(masked, {
    'database.hostname': 'db', 'database.password': SECRET_MASK, 'token.count': '3',
    'driver.password': SECRET_MASK, 'producer.override.sasl.jaas.config': SECRET_MASK, 'driver.useSSL': 'true',
    'producer.override.ssl.keystore.key': SECRET_MASK, 'producer.override.ssl.keystore.location': '/k.pem',
  });
  assert.equal(props['database.password'], 'pw1', 'the input is not modified');
});

test('a value that is only a config-provider reference is shown, since it is not the secret', () => {
  const masked = maskSecrets(def, { 'database.password': '${file:/etc/cdc/secrets.properties:db.password}' });
  assert.equal(masked['database.password'], '${file:/etc/cdc/secrets.properties:db.password}');
  assert.equal(maskSecrets(def, { 'database.password': 'x${env:A}' })['database.password'], SECRET_MASK);
});

test('an empty password stays empty (nothing to hide, and it shows the key is unset)', () => {
  assert.equal(maskSecrets(def, { 'database.password': '' })['database.password'], '');
});

test('PUT with the mask keeps the stored secret; a new value replaces it', () => {
  const stored = { 'database.hostname': 'db', 'database.password': 'old-secret', 'driver.password': 'drv' };
  const readBack = maskSecrets(def, stored);
  const edited = { ...readBack, 'database.hostname': 'db2' };
  assert.deepEqual(restoreMaskedSecrets(def, edited, stored), { 'database.hostname': 'db2', 'database.password': 'old-secret', 'driver.password': 'drv' });
  const changed = restoreMaskedSecrets(def, { ...readBack, 'database.password': 'new-secret' }, stored);
  assert.equal(changed['database.password'], 'new-secret');
  assert.equal(changed['driver.password'], 'drv');
});

test('the mask in a non-secret key is taken literally', () => {
  const out = restoreMaskedSecrets(def, { 'database.hostname': SECRET_MASK }, { 'database.hostname': 'db' });
  assert.equal(out['database.hostname'], SECRET_MASK);
});

test('the mask with nothing stored is a ConfigError naming the key, not a literal password', () => {
  assert.throws(
    () => restoreMaskedSecrets(def, { 'database.password': SECRET_MASK }, {}),
    (err: unknown) => err instanceof ConfigError && err.key === 'database.password' && err.code === 'CONFIG_INVALID' && !err.retriable && !!err.fix,
  );
  assert.throws(() => restoreMaskedSecrets(def, { 'database.password': SECRET_MASK }, null), ConfigError);
});

test('redactSecretsInText scrubs every whole-token occurrence, URL-encoded forms, and overlapping secrets', () => {
  const text = 'Access denied for user root using password p@ss w0rd; url=mysql://root:p%40ss%20w0rd@db/ again p@ss w0rd';
  const out = redactSecretsInText(text, ['p@ss w0rd']);
  assert.equal(out, 'Access denied for user root using password [hidden]; url=mysql://root:[hidden]@db/ again [hidden]');
  assert.equal(redactSecretsInText('abcdef and abc', ['abc', 'abcdef']), '[hidden] and [hidden]');
  assert.equal(redactSecretsInText('nothing here', []), 'nothing here');
  assert.equal(redactSecretsInText('x=.b*; a.b*c', ['.b*']), 'x=[hidden]; a.b*c', 'matched literally, not as regexes, and never inside a word');
});

test('collectSecretValues gives the values to scrub, including the trimmed form Connect uses', () => {
  const values = collectSecretValues(def, {
    'database.hostname': 'db', 'database.password': ' padded ', 'driver.password': 'drv', 'database.ssl.truststore.password': '',
  });
  assert.deepEqual(values.sort(), [' padded ', 'drv', 'padded'].sort());
  const trace = redactSecretsInText("login failed with 'padded' and 'drv'", values);
  assert.equal(trace, "login failed with '[hidden]' and '[hidden]'");
});
