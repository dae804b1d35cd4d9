import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../../../src/errors/index.js';
import { basicCredentials, mayDo } from '../../../../src/rest/auth.js';
import { createVerifier, hashPassword, parseCredentials, passwordMatches } from '../../../../src/rest/credentials.js';

// bcrypt of "s3cret" at cost 4, made once (bcryptjs); htpasswd -nbB writes the same with a $2y$ prefix.
const BCRYPT_S3CRET = '$2b$04$B8x4Ug7/GYtC94CTVzvjrepBF3oFI.cMyBj2llBKs1bU076a.SyNa';

function refused(text: string, pattern: RegExp): void {
  assert.throws(() => parseCredentials(text, '/etc/creds', 'rest.auth.basic.file'), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.key, 'rest.auth.basic.file');
    assert.match(err.message, pattern);
    assert.ok(err.fix);
    return true;
  });
}

test('credentials file: user: password,role lines (Jetty PropertyFileLoginModule format), = too, comments skipped', () => {
  const users = parseCredentials('# users\n! also a comment\n\nalice: pw1,admin\nbob=pw2, reader\ncarol : pw3\n', 'f', 'k');
  assert.deepEqual([...users.keys()], ['alice', 'bob', 'carol']);
  assert.deepEqual(users.get('alice'), { password: 'pw1', roles: ['admin'] });
  assert.deepEqual(users.get('bob'), { password: 'pw2', roles: ['reader'] });
  assert.deepEqual(users.get('carol'), { password: 'pw3', roles: [] });
});

test('credentials file: malformed lines, unknown roles, weak Jetty formats, duplicates and an empty file are refused with the line', () => {
  refused('alice\n', /line 1 is not "user: password/);
  refused('alice: pw,admin\nbob: pw,superuser\n', /line 2 gives user bob the unknown role superuser/);
  refused('alice: MD5:164c88b302622e17050af52c89945d44,admin\n', /Jetty MD5 password, which is not accepted/);
  refused('alice: OBF:1v2j1uum1xtv1zej1zer1xtn1uvk1v1v\n', /Jetty OBF password/);
  refused('alice: SCRYPT:1:2\n', /malformed SCRYPT/);
  refused('alice: $2y$10$short\n', /malformed bcrypt/);
  refused('alice: a,admin\nalice: b,admin\n', /names user alice a second time/);
  refused('alice:\n', /no password/);
  refused('# nobody\n', /names no user/);
});

test('passwords: plain, bcrypt and SCRYPT hashes match only the right password', async () => {
  assert.equal(await passwordMatches('plain', 'plain'), true);
  assert.equal(await passwordMatches('plain', 'plain2'), false);
  assert.equal(await passwordMatches(BCRYPT_S3CRET, 's3cret'), true);
  assert.equal(await passwordMatches(BCRYPT_S3CRET, 'wrong'), false);
  assert.equal(await passwordMatches(BCRYPT_S3CRET.replace('$2b$', '$2y$'), 's3cret'), true); // htpasswd's prefix
  const scrypt = await hashPassword('p@ss');
  assert.match(scrypt, /^SCRYPT:32768:8:1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
  assert.equal(await passwordMatches(scrypt, 'p@ss'), true);
  assert.equal(await passwordMatches(scrypt, 'p@sS'), false);
  parseCredentials(`u: ${scrypt},admin\nv: ${BCRYPT_S3CRET},reader\n`, 'f', 'k'); // both accepted by the parser
});

test('verifier: right pair → the user; wrong password or unknown user → undefined; remembered pairs still checked by password', async () => {
  const verify = createVerifier(parseCredentials(`alice: ${BCRYPT_S3CRET},admin\n`, 'f', 'k'));
  assert.deepEqual((await verify('alice', 's3cret'))?.roles, ['admin']);
  assert.deepEqual((await verify('alice', 's3cret'))?.roles, ['admin']);
  assert.equal(await verify('alice', 's3cret!'), undefined);
  assert.equal(await verify('mallory', 's3cret'), undefined);
});

test('Basic header parsing and roles', () => {
  const header = `Basic ${Buffer.from('bob:pa:ss').toString('base64')}`;
  assert.deepEqual(basicCredentials(header), { user: 'bob', password: 'pa:ss' });
  assert.equal(basicCredentials('Bearer abc'), undefined);
  assert.equal(basicCredentials(undefined), undefined);
  assert.equal(basicCredentials(`Basic ${Buffer.from('nocolon').toString('base64')}`), undefined);
  assert.equal(mayDo({ password: '', roles: ['reader'] }, 'GET'), true);
  assert.equal(mayDo({ password: '', roles: ['reader'] }, 'POST'), false);
  assert.equal(mayDo({ password: '', roles: ['admin'] }, 'DELETE'), true);
  assert.equal(mayDo({ password: '', roles: [] }, 'GET'), false);
});
