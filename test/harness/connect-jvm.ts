/**
 * Kafka Connect's own converter classes on the JVM, as an independent decoder for tests: compiles
 * test/fixtures/ConnectDecode.java with the JDK's javac against Kafka 4.4.0's connect-api/runtime/json jars
 * and the versions of kafka-clients, Jackson (with the Blackbird module JsonConverter uses) and SLF4J Kafka 4.4.0 ships (fetched once into ~/.m2 with Maven from
 * Maven Central, as the test bed fetches the schema registry). No JDK or no jars is a test failure, never a skip.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const KAFKA_VERSION = '4.4.0';
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SOURCE = path.join(REPO, 'test/fixtures/ConnectDecode.java');

export interface JvmRequest {
  kind: 'string' | 'bytearray' | 'json' | 'header';
  isKey?: boolean;
  props?: Record<string, string>;
  bytes: Buffer | null;
}
export interface JvmAnswer {
  type: string | null;
  text: string | null;
  base64?: string;
  headers?: Record<string, string | null>;
  roundTrip?: string | null;
}

/** group:artifact:version → its jar in ~/.m2, fetched (without dependencies) when missing. */
function m2Jar(coordinates: string): string {
  const [group, artifact, version] = coordinates.split(':') as [string, string, string];
  const jar = path.join(homedir(), '.m2/repository', ...group.split('.'), artifact, version, `${artifact}-${version}.jar`);
  if (!existsSync(jar)) execFileSync('mvn', ['-q', 'dependency:get', `-Dartifact=${coordinates}`, '-Dtransitive=false'], { stdio: 'inherit' });
  return jar;
}

const JARS = [
  `org.apache.kafka:connect-api:${KAFKA_VERSION}`, `org.apache.kafka:connect-runtime:${KAFKA_VERSION}`, `org.apache.kafka:connect-json:${KAFKA_VERSION}`,
  `org.apache.kafka:kafka-clients:${KAFKA_VERSION}`, 'com.fasterxml.jackson.core:jackson-databind:2.21.7', 'com.fasterxml.jackson.core:jackson-core:2.21.7',
  'com.fasterxml.jackson.core:jackson-annotations:2.21', 'com.fasterxml.jackson.module:jackson-module-blackbird:2.21.7', 'org.slf4j:slf4j-api:2.0.17',
];

export interface ConnectJvm {
  decode(requests: JvmRequest[]): JvmAnswer[];
  close(): void;
}

/** Compiles the decoder (a few seconds). */
export function connectJvm(): ConnectJvm {
  const javac = spawnSync('javac', ['-version'], { encoding: 'utf8' });
  if (javac.status !== 0) throw new Error('javac (a JDK 17+) is needed to decode with Kafka Connect\'s own classes');
  const classpath = JARS.map(m2Jar);
  const out = mkdtempSync(path.join(tmpdir(), 'connect-jvm-'));
  execFileSync('javac', ['-d', out, '-cp', classpath.join(':'), SOURCE], { stdio: 'inherit' });
  return {
    decode(requests) {
      const input = requests.map((r) => JSON.stringify({
        kind: r.kind, isKey: r.isKey ?? false, props: r.props ?? {}, bytes: r.bytes === null ? null : r.bytes.toString('base64'),
      })).join('\n') + '\n';
      // UTC, so java.util.Date prints as our StringConverter writes it.
      const run = spawnSync('java', ['-Duser.timezone=UTC', '-cp', [out, ...classpath].join(':'), 'ConnectDecode'], { input, encoding: 'utf8', maxBuffer: 64 << 20 });
      if (run.status !== 0) throw new Error(`ConnectDecode failed (${run.status}): ${run.stderr}`);
      const lines = run.stdout.split('\n').filter((l) => l.startsWith('{'));
      if (lines.length !== requests.length) throw new Error(`ConnectDecode answered ${lines.length} of ${requests.length}: ${run.stderr}`);
      return lines.map((l) => JSON.parse(l) as JvmAnswer);
    },
    close() { rmSync(out, { recursive: true, force: true }); },
  };
}
