/**
 * Our side of the conformance suite: replays a scenario against OUR worker (in-process, the same connector config
 * as the golden run, the same fixed names) and compares the records with Debezium's golden fixture.
 * Used by test/conformance.test.ts and by `npm run conformance:report` (test/conformance/report.ts).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../scripts/testbed/env.js';
import type { TestServices } from '../../scripts/testbed/providers.js';
import { cleanupWorkerTopics, newWorkerSettings, waitForStatus, api } from '../../scripts/testbed/worker.js';
import { startInProcessWorker, type InProcessWorker } from '../harness/worker.js';
import { connectorName, deleteOwnedTopics, HostFailure, dropPgSlot, fromJsonl, newRunIds, runScenario, toJsonl, type CapturedRecord, type ScenarioHost } from './capture.js';
import { compareRecords, type Difference } from './compare.js';
import { SCENARIOS, type ConnectorKind } from './scenarios.js';

export function fixturePath(kind: ConnectorKind): string {
  return join(repoRoot(), 'test', 'fixtures', 'debezium', kind, `${SCENARIOS[kind].name}.jsonl`);
}

export function loadGolden(kind: ConnectorKind): CapturedRecord[] {
  return fromJsonl(readFileSync(fixturePath(kind), 'utf8'));
}

export function haveGolden(kind: ConnectorKind): boolean {
  return existsSync(fixturePath(kind));
}

/** Runs the scenario against our in-process worker and returns what it wrote (also saved under .services/conformance/). */
export async function captureOurs(kind: ConnectorKind, s: TestServices): Promise<CapturedRecord[]> {
  const scenario = SCENARIOS[kind];
  const settings = newWorkerSettings(`conformance_${kind}`);
  let worker: InProcessWorker | undefined;
  const name = connectorName(kind);
  const ids = newRunIds();
  const host: ScenarioHost = {
    async start(config) {
      worker = await startInProcessWorker(settings);
      const r = await api(worker.url).post('/connectors', { name, config });
      if (r.status !== 201) throw new Error(`creating the connector: ${r.status} ${r.text}`);
      await waitForStatus(worker.url, name, (st) => st.connector.state === 'RUNNING' && st.tasks.length === 1 && st.tasks[0].state === 'RUNNING');
    },
    async check() {
      if (!worker) return;
      const r = await api(worker.url).get(`/connectors/${name}/status`);
      const failed = r.status === 200 ? [r.body.connector, ...r.body.tasks].find((x: any) => x.state === 'FAILED') : undefined;
      if (failed) throw new HostFailure(`our connector FAILED: ${failed.trace ?? ''}`);
    },
  };
  try {
    const records = await runScenario(scenario, s, host, ids);
    const dir = join(repoRoot(), '.services', 'conformance');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${kind}-${scenario.name}.jsonl`), toJsonl(records));
    return records;
  } finally {
    await worker?.stop().catch(() => undefined);
    if (kind === 'postgres') await dropPgSlot(s).catch(() => undefined);
    await deleteOwnedTopics(s).catch(() => undefined);
    await cleanupWorkerTopics(settings, [ids.historyTopic]).catch(() => undefined);
  }
}

/** Captures ours and compares with the golden fixture. */
export async function conformanceDifferences(kind: ConnectorKind, s: TestServices): Promise<{ diffs: Difference[]; ours: CapturedRecord[]; golden: CapturedRecord[] }> {
  const golden = loadGolden(kind);
  const ours = await captureOurs(kind, s);
  return { diffs: compareRecords(kind, golden, ours), ours, golden };
}
