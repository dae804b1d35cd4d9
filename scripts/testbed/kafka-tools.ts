/**
 * Kafka is Java: its jars come from Maven Central (the version pinned in scripts/kafka/pom.xml) into
 * `.services/kafka/libs`, it needs Java 17+, and its own command-line tools (StorageTool, ConfigCommand, the
 * console and perf clients) run from those jars with the test bed's Log4j2 configuration.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kafkaPaths, repoRoot } from './env.js';
import { readTrimmed, requireBin, run, ServiceStartError, tail, type Log, type ServiceName } from './process.js';

/**
 * Runs one of Kafka's own Java tools (e.g. `org.apache.kafka.tools.ConsoleProducer`) from the test bed's jars,
 * so a test can compare with the real Java client. Null where the jars are not there (another provider).
 */
export function kafkaToolOutput(mainClass: string, args: string[], input?: string): { status: number | null; out: string } | null {
  const p = kafkaPaths();
  if (!existsSync(join(p.libs, 'VERSION'))) return null;
  const r = spawnSync('java', [`-Dlog4j2.configurationFile=${p.log4j}`, '-cp', `${p.libs}/*`, mainClass, ...args], { input, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** The Kafka version pinned in scripts/kafka/pom.xml. */
export function kafkaVersion(): string {
  const m = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(kafkaPaths().pom, 'utf8'));
  if (!m) throw new Error('scripts/kafka/pom.xml has no <kafka.version>');
  return m[1]!.trim();
}

function javaMajor(java: string): number | undefined {
  const r = run(java, ['-version']);
  const m = /version "(\d+)(?:\.(\d+))?/.exec(r.out);
  if (!m) return undefined;
  return m[1] === '1' ? Number(m[2]) : Number(m[1]);
}

/**
 * libs/VERSION holds the Kafka version and the POM's hash: any POM change (e.g. an added jar) fetches the
 * libs again, but only a new version wipes the data dir.
 */
export function ensureKafkaLibs(version: string, log: Log): void {
  const p = kafkaPaths();
  const marker = join(p.libs, 'VERSION');
  const wanted = `${version} ${createHash('sha256').update(readFileSync(p.pom)).digest('hex')}`;
  const present = readTrimmed(marker);
  if (present === wanted) return;
  const mvn = requireBin('kafka', 'mvn', 'maven');
  log(`kafka: downloading Kafka ${version} jars from Maven Central into ${p.libs} (once) ...`);
  const tmp = `${p.libs}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  const r = run(mvn, ['-B', '-q', '-f', p.pom, 'dependency:copy-dependencies', `-DoutputDirectory=${tmp}`], { cwd: repoRoot() });
  if (r.status !== 0 || !existsSync(join(tmp, `kafka_2.13-${version}.jar`))) {
    throw new ServiceStartError('kafka', `\`mvn dependency:copy-dependencies\` failed (exit ${r.status}):\n${r.out.trim().split('\n').slice(-40).join('\n')}`);
  }
  writeFileSync(join(tmp, 'VERSION'), `${wanted}\n`);
  rmSync(p.libs, { recursive: true, force: true });
  renameSync(tmp, p.libs);
  // Formatted log dirs are not guaranteed to work across versions: start from scratch.
  if (present?.split(' ')[0] !== version) rmSync(p.data, { recursive: true, force: true });
}

/** Kafka 4.x needs Java 17; the schema registry (Apicurio 2.4, Java 11+) takes the same java. */
export function requireJava17(service: ServiceName = 'kafka'): string {
  const java = requireBin(service, 'java', 'openjdk-17-jre-headless');
  const major = javaMajor(java);
  if (major !== undefined && major < 17) {
    throw new ServiceStartError(service, `the test bed needs Java 17+, found Java ${major}. Install: apt-get install -y openjdk-17-jre-headless`);
  }
  return java;
}

/** Run one of Kafka's command-line tools (a main class from the jars) with the test bed's Log4j2 config. */
export function runKafkaTool(java: string, mainClass: string, args: string[]): void {
  const p = kafkaPaths();
  const r = run(java, [`-Dlog4j2.configurationFile=${p.log4j}`, '-cp', `${p.libs}/*`, mainClass, ...args]);
  writeFileSync(p.log, `${r.out}\n`, { flag: 'a' });
  if (r.status !== 0) throw new ServiceStartError('kafka', `\`${mainClass} ${args.join(' ')}\` failed (exit ${r.status})`, p.log, tail(p.log));
}
