#!/usr/bin/env node
// Runs the compiled tests (build first: `npm run build`; `npm test` does both).
//
//   node scripts/run-tests.mjs          all dist/test/**/*.test.js, after making sure the services are up
//   node scripts/run-tests.mjs unit     only dist/test/unit/**/*.test.js, no services
//   node scripts/run-tests.mjs <files>  just those files (services are still ensured)
//
// Services: unless KAFKA_BROKERS, MYSQL_URL and PG_URL are all set (or TEST_SERVICES_PROVIDER is set,
// which lets testServices() in scripts/testbed/providers.ts decide), runs `node --import tsx scripts/services.ts up`
// (reuses running services) and passes the values from .services/env to the test process (all of them: the
// secured Kafka listeners too). TSCDC_SERVICES_PORT_OFFSET is inherited by services.ts, so it picks the ports.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (Number(process.versions.node.split('.')[0]) < 24) {
  console.error(`run-tests: Node.js 24 is required (this is ${process.version}); run \`. scripts/use-node.sh\` first`);
  process.exit(1);
}
const args = process.argv.slice(2);
const unitOnly = args[0] === 'unit';
const explicit = unitOnly ? [] : args;

function findTests(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...findTests(p));
    else if (e.isFile() && e.name.endsWith('.test.js')) out.push(p);
  }
  return out.sort();
}

const testRoot = join(root, 'dist', 'test');
const files = explicit.length ? explicit : findTests(unitOnly ? join(testRoot, 'unit') : testRoot);
if (files.length === 0) {
  if (unitOnly) {
    console.log('run-tests: no unit tests under dist/test/unit/');
    process.exit(0);
  }
  console.error('run-tests: no dist/test/**/*.test.js found; run `npm run build` first');
  process.exit(1);
}

const env = { ...process.env };
const haveEnv = Boolean(env.KAFKA_BROKERS && env.MYSQL_URL && env.PG_URL);
if (!unitOnly && !haveEnv && !env.TEST_SERVICES_PROVIDER) {
  const up = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'services.ts'), 'up'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (up.status !== 0) {
    console.error(`run-tests: services:up failed (exit ${up.status ?? up.signal}); see the messages above`);
    process.exit(up.status || 1);
  }
  for (const line of readFileSync(join(root, '.services', 'env'), 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) env[m[1]] = m[2];
  }
}

console.error(`run-tests: ${files.length} file(s): ${files.map((f) => relative(root, f)).join(' ')}`);
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files], { cwd: root, env, stdio: 'inherit' });
if (r.error) {
  console.error(`run-tests: ${r.error.message}`);
  process.exit(1);
}
process.exit(r.status ?? (r.signal ? 1 : 0));
