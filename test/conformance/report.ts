/**
 * `npm run conformance:report [-- mariadb|postgres] [-- --full]`: runs the conformance scenarios against our worker
 * (test bed running; TSCDC_SERVICES_PORT_OFFSET as usual) and prints every difference from Debezium's golden
 * records (test/fixtures/debezium/), grouped by path, then (with --full) one line per difference.
 * `--from-capture` compares the last capture in .services/conformance/ without running the scenario again;
 * `--files <kind> <expected.jsonl> <actual.jsonl>` compares two captures (e.g. two Debezium runs: the ignore list's check).
 * Exit code 0 even when there are differences (it is a report; test/conformance.test.ts is the assertion).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../scripts/testbed/env.js';
import { testServices } from '../../scripts/testbed/providers.js';
import { closeTestKafka } from '../harness/worker.js';
import { closeConformanceKafka, fromJsonl } from './capture.js';
import { compareRecords, formatReport } from './compare.js';
import { conformanceDifferences, haveGolden, loadGolden } from './run.js';
import { SCENARIOS, type ConnectorKind } from './scenarios.js';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const files = args.indexOf('--files');
  if (files >= 0) {
    const [kind, expected, actual] = args.slice(files + 1) as [ConnectorKind, string, string];
    const diffs = compareRecords(kind, fromJsonl(readFileSync(expected, 'utf8')), fromJsonl(readFileSync(actual, 'utf8')));
    console.log(formatReport(kind, diffs, { full: args.includes('--full') }));
    return;
  }
  const full = args.includes('--full');
  const fromCapture = args.includes('--from-capture');
  const wanted = args.filter((a) => a === 'mariadb' || a === 'postgres') as ConnectorKind[];
  const kinds: ConnectorKind[] = wanted.length ? wanted : ['mariadb', 'postgres'];
  let total = 0;
  for (const kind of kinds) {
    if (!haveGolden(kind)) {
      console.log(`== ${kind}: no golden fixture (run npm run debezium:golden)`);
      continue;
    }
    let diffs;
    if (fromCapture) {
      const file = join(repoRoot(), '.services', 'conformance', `${kind}-${SCENARIOS[kind].name}.jsonl`);
      if (!existsSync(file)) throw new Error(`${file} does not exist: run without --from-capture first`);
      diffs = compareRecords(kind, loadGolden(kind), fromJsonl(readFileSync(file, 'utf8')));
    } else {
      diffs = (await conformanceDifferences(kind, await testServices())).diffs;
    }
    total += diffs.length;
    console.log(formatReport(kind, diffs, { full }));
    console.log('');
  }
  console.log(`total: ${total} difference(s)`);
}

main().then(
  async () => {
    await closeConformanceKafka();
    await closeTestKafka();
    process.exit(0);
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack ?? err.message : String(err));
    process.exit(1);
  },
);
