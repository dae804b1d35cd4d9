/**
 * The test bed's schema registry: Apicurio Registry 2.4.2 with its Confluent-compatible API
 * (SCHEMA_REGISTRY_URL = http://127.0.0.1:<port>/apis/ccompat/v7) and in-memory storage, so every start is empty.
 * Maven assembles it once from scripts/schema-registry/pom.xml (Central only) into `.services/schema-registry/app`,
 * again only when that POM changes. It runs bound to 127.0.0.1 and, on every `up`, gets the global compatibility
 * BACKWARD: Confluent's default, where Apicurio's is NONE. Reused while it answers and runs the current build with
 * the current command line; stopped by its pid file.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NATIVE_ENV, PORTS, repoRoot, schemaRegistryPaths } from './env.js';
import { schemaRegistryAnswers } from './health.js';
import { requireJava17 } from './kafka-tools.js';
import { isAlive, livePid, readTrimmed, requireBin, requirePortFree, runToLog, ServiceStartError, spawnDetached, tail, terminate, waitHealthy, type Log } from './process.js';

/** The legacy jar Quarkus leaves (named after the POM's finalName); its manifest points at lib/. */
const RUNNER_JAR = 'apicurio-registry-testbed-runner.jar';

/** Confluent's default; the tests of schema evolution expect it. */
const SCHEMA_REGISTRY_COMPATIBILITY = 'BACKWARD';

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

function registryArgs(): string[] {
  const p = schemaRegistryPaths();
  return [
    '-Xmx256m',
    '-Djava.awt.headless=true',
    // Quarkus listens on 0.0.0.0:8080 unless told otherwise
    '-Dquarkus.http.host=127.0.0.1',
    `-Dquarkus.http.port=${PORTS.schemaRegistry}`,
    '-jar',
    join(p.app, RUNNER_JAR),
  ];
}

/** Build `app` from the POM unless it was built from this very POM. Async: the other services start meanwhile. */
async function ensureRegistryApp(buildId: string, log: Log): Promise<void> {
  const p = schemaRegistryPaths();
  const marker = join(p.app, 'BUILD');
  if (readTrimmed(marker) === buildId && existsSync(join(p.app, RUNNER_JAR))) return;
  const mvn = requireBin('schema-registry', 'mvn', 'maven');
  log(`schema-registry: assembling Apicurio Registry with Maven from Maven Central (once; ~3 min with an empty ~/.m2; log: ${p.buildLog}) ...`);
  rmSync(p.build, { recursive: true, force: true });
  writeFileSync(p.buildLog, `===== ${new Date().toISOString()} mvn package -f ${p.pom} =====\n`);
  const t0 = Date.now();
  const status = await runToLog(mvn, ['-B', '-ntp', '-f', p.pom, 'package', `-Dregistry.build.dir=${p.build}`], p.buildLog, repoRoot());
  const jar = join(p.build, RUNNER_JAR);
  if (status !== 0 || !existsSync(jar)) {
    throw new ServiceStartError(
      'schema-registry',
      `the Maven build of scripts/schema-registry/pom.xml failed (exit ${status}). It needs \`mvn\`, Java 17 and Maven Central ` +
        '(https://repo.maven.apache.org) only; the [ERROR] lines below name the missing artifact or failing plugin',
      p.buildLog,
      tail(p.buildLog, 60),
    );
  }
  // Keep what runs (runner jar + lib/, ~130 MB); the rest of the build dir is the app's unpacked classes again.
  const tmp = `${p.app}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  renameSync(jar, join(tmp, RUNNER_JAR));
  renameSync(join(p.build, 'lib'), join(tmp, 'lib'));
  writeFileSync(join(tmp, 'BUILD'), `${buildId}\n`);
  rmSync(p.app, { recursive: true, force: true });
  renameSync(tmp, p.app);
  rmSync(p.build, { recursive: true, force: true });
  log(`schema-registry: assembled in ${((Date.now() - t0) / 1000).toFixed(0)}s`);
}

/** Reuse our running registry if it runs this build with these arguments and answers; otherwise stop it. */
async function reuseRegistry(startedWith: string, log: Log): Promise<boolean> {
  const p = schemaRegistryPaths();
  const running = livePid(p.pid, p.dir);
  if (running === undefined) return false;
  if (readTrimmed(p.startedWith) !== startedWith) {
    log(`schema-registry: pid ${running} runs another build or configuration; restarting it`);
  } else if (await schemaRegistryAnswers(NATIVE_ENV.SCHEMA_REGISTRY_URL)) {
    log(`schema-registry: already running (pid ${running}), reusing`);
    return true;
  } else {
    log(`schema-registry: pid ${running} is alive but not answering; restarting it`);
  }
  await terminate(running, 'schema-registry', log, 20_000);
  return false;
}

/** PUT /config: the global compatibility level, checked in the answer. */
async function setGlobalCompatibility(url: string, level: string): Promise<void> {
  const res = await fetch(`${url}/config`, {
    method: 'PUT',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ compatibility: level }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = await res.text();
  if (!res.ok || (JSON.parse(body) as { compatibility?: string }).compatibility !== level) {
    throw new ServiceStartError('schema-registry', `PUT ${url}/config {"compatibility":"${level}"} answered ${res.status}: ${body}`);
  }
}

export async function schemaRegistryUp(log: Log): Promise<void> {
  const p = schemaRegistryPaths();
  const url = NATIVE_ENV.SCHEMA_REGISTRY_URL;
  const buildId = sha256(readFileSync(p.pom));
  const startedWith = sha256([buildId, ...registryArgs()].join('\0'));
  if (!(await reuseRegistry(startedWith, log))) {
    rmSync(p.pid, { force: true });
    rmSync(p.startedWith, { force: true });
    const java = requireJava17('schema-registry');
    mkdirSync(p.dir, { recursive: true });
    await ensureRegistryApp(buildId, log);
    await requirePortFree('schema-registry', PORTS.schemaRegistry);
    log(`schema-registry: starting Apicurio Registry on 127.0.0.1:${PORTS.schemaRegistry} (log: ${p.log})`);
    writeFileSync(p.log, `\n===== ${new Date().toISOString()} starting Apicurio Registry =====\n`, { flag: 'a' });
    const t0 = Date.now();
    const pid = spawnDetached(java, registryArgs(), p.log, p.dir);
    writeFileSync(p.pid, `${pid}\n`);
    try {
      await waitHealthy('schema-registry', () => schemaRegistryAnswers(url), { timeoutMs: 120_000, pid: () => livePid(p.pid, p.dir), logFile: p.log });
    } catch (e) {
      if (isAlive(pid)) await terminate(pid, 'schema-registry', log, 20_000);
      rmSync(p.pid, { force: true });
      throw e;
    }
    writeFileSync(p.startedWith, `${startedWith}\n`);
    log(`schema-registry: ready in ${((Date.now() - t0) / 1000).toFixed(1)}s (pid ${pid})`);
  }
  // Also on reuse: a run that changed the global level must not leak it into the next one.
  try {
    await setGlobalCompatibility(url, SCHEMA_REGISTRY_COMPATIBILITY);
  } catch (e) {
    if (e instanceof ServiceStartError) throw e;
    throw new ServiceStartError('schema-registry', `setting the global compatibility failed: ${String(e)}`, p.log, tail(p.log));
  }
}

export async function schemaRegistryDown(log: Log): Promise<void> {
  const p = schemaRegistryPaths();
  const pid = livePid(p.pid, p.dir);
  if (pid === undefined) {
    log('schema-registry: not running');
  } else {
    log(`schema-registry: stopping (pid ${pid})`);
    await terminate(pid, 'schema-registry', log, 20_000);
  }
  rmSync(p.pid, { force: true });
  rmSync(p.startedWith, { force: true });
}
