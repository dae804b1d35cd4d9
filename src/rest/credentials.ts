/**
 * The REST credentials file (the format of Jetty's PropertyFileLoginModule, which Connect's basic-auth extension
 * is configured with): one `user: password[,role...]` (or `user=password[,role...]`) per line, `#`/`!` comments.
 * A password is plain text, a bcrypt hash (`$2a$`/`$2b$`/`$2y$`, e.g. from `htpasswd -nbB`), or
 * `SCRYPT:N:r:p:<salt base64>:<key base64>` (Node's crypto.scrypt; `tscdc hash-password` prints one).
 * bcryptjs is imported here only.
 */
import { createHmac, randomBytes, scrypt, timingSafeEqual, createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { ConfigError } from '../errors/index.js';
import type { RestRole, RestUser } from './security-types.js';

const ROLES: readonly RestRole[] = ['admin', 'reader'];
const BCRYPT = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;
const SCRYPT = /^SCRYPT:(\d+):(\d+):(\d+):([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/;

/** Parses the file's text; `key` names the worker setting in errors. Lines are numbered from 1. */
export function parseCredentials(text: string, file: string, key: string): Map<string, RestUser> {
  const users = new Map<string, RestUser>();
  const fail = (line: number, problem: string, fix: string) =>
    new ConfigError(`Configuration ${key}: ${file} line ${line} ${problem}`, key, { fix });
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) return;
    const m = /^([^:=\s]+)\s*[:=]\s*(.*)$/.exec(line);
    if (!m) throw fail(i + 1, 'is not "user: password[,role...]".', 'Write one user per line as user: password,role (roles: admin, reader).');
    const [password, ...roles] = m[2]!.split(',').map((p) => p.trim());
    const user = m[1]!;
    if (!password) throw fail(i + 1, `gives user ${user} no password.`, 'Give every user a password (plain, bcrypt, or SCRYPT:...).');
    if (/^(?:MD5|CRYPT|OBF):/.test(password)) {
      throw fail(i + 1, `gives user ${user} a Jetty ${password.split(':')[0]} password, which is not accepted (weak or reversible).`,
        'Use a bcrypt hash (htpasswd -nbB user password) or SCRYPT:... (tscdc hash-password).');
    }
    if (password.startsWith('SCRYPT:') && !SCRYPT.test(password)) {
      throw fail(i + 1, `gives user ${user} a malformed SCRYPT password.`, 'Write SCRYPT:N:r:p:<salt base64>:<key base64>, as tscdc hash-password prints it.');
    }
    if (/^\$2[aby]\$/.test(password) && !BCRYPT.test(password)) {
      throw fail(i + 1, `gives user ${user} a malformed bcrypt hash.`, 'Give the whole hash as htpasswd -nbB prints it (after "user:").');
    }
    const unknown = roles.filter((r) => r !== '' && !ROLES.includes(r as RestRole));
    if (unknown.length > 0) throw fail(i + 1, `gives user ${user} the unknown role ${unknown[0]}.`, 'Roles are admin (everything) and reader (GET only).');
    if (users.has(user)) throw fail(i + 1, `names user ${user} a second time.`, 'Keep one line per user.');
    users.set(user, { password, roles: [...new Set(roles.filter((r) => r !== ''))] as RestRole[] });
  });
  if (users.size === 0) throw new ConfigError(`Configuration ${key}: ${file} names no user`, key, { fix: 'Add a line user: password,admin.' });
  return users;
}

function scryptAsync(password: string, salt: Buffer, keylen: number, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Equal-length digests compared in constant time, so neither length nor content leaks through timing. */
function sameSecret(a: string | Buffer, b: string | Buffer): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** Whether `given` is the password `stored` describes. */
export async function passwordMatches(stored: string, given: string): Promise<boolean> {
  if (BCRYPT.test(stored)) return bcrypt.compare(given, stored);
  const m = SCRYPT.exec(stored);
  if (m) {
    const expected = Buffer.from(m[5]!, 'base64');
    const actual = await scryptAsync(given, Buffer.from(m[4]!, 'base64'), expected.length, Number(m[1]), Number(m[2]), Number(m[3]));
    return sameSecret(actual, expected);
  }
  return sameSecret(stored, given);
}

/** A `SCRYPT:` password for the credentials file (N=2^15, r=8, p=1: about 100 ms and 32 MiB per check). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const [n, r, p] = [32768, 8, 1];
  const key = await scryptAsync(password, salt, 32, n, r, p);
  return `SCRYPT:${n}:${r}:${p}:${salt.toString('base64')}:${key.toString('base64')}`;
}

/**
 * Checks user/password pairs against the users. Hashes are slow on purpose, so a pair that matched is
 * remembered (as an HMAC under a key made at startup, never the password) and later requests skip the hash.
 * An unknown user costs a hash check too, so that timing does not tell which users exist.
 */
export function createVerifier(users: ReadonlyMap<string, RestUser>): (user: string, password: string) => Promise<RestUser | undefined> {
  const secret = randomBytes(32);
  const verified = new Set<string>();
  const dummy = [...users.values()][0]!.password;
  return async (user, password) => {
    const entry = users.get(user);
    const token = createHmac('sha256', secret).update(user).update('\0').update(password).digest('base64');
    if (entry && verified.has(token)) return entry;
    const ok = await passwordMatches(entry?.password ?? dummy, password);
    if (!entry || !ok) return undefined;
    if (verified.size >= 10_000) verified.clear();
    verified.add(token);
    return entry;
  };
}
