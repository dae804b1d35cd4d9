/**
 * One `services:up`/`services:down` at a time per checkout: `npm test`, a test file with the 'native' provider
 * and the demo may all start the test bed at once.
 */
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { servicesDir } from './env.js';
import { isAlive, ServiceStartError, sleep, type Log } from './process.js';

/**
 * Serialise up/down across processes (e.g. `npm test` and a test file using the 'native' provider
 * at the same time): `.services/lock` holds the owner's pid; a lock whose owner is dead is stale.
 */
export async function withLock<T>(log: Log, fn: () => Promise<T>): Promise<T> {
  mkdirSync(servicesDir(), { recursive: true });
  const lock = join(servicesDir(), 'lock');
  const end = Date.now() + 10 * 60_000;
  let announced = false;
  for (;;) {
    try {
      writeFileSync(lock, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let owner = NaN;
    let ageMs = 0;
    try {
      owner = Number.parseInt(readFileSync(lock, 'utf8').trim(), 10);
      ageMs = Date.now() - statSync(lock).mtimeMs;
    } catch {
      continue; // released meanwhile
    }
    const garbled = !Number.isInteger(owner) || owner <= 0;
    if ((garbled && ageMs > 5000) || (!garbled && !isAlive(owner))) {
      rmSync(lock, { force: true }); // stale
      continue;
    }
    if (Date.now() > end) throw new ServiceStartError('setup', `${lock} is held by pid ${owner} for more than 10 minutes`);
    if (!announced) log(`waiting for another services:up/down (pid ${owner}) to finish`);
    announced = true;
    await sleep(500);
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}
