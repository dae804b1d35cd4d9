/**
 * Conformance against real Debezium.
 *
 * Replays the scenarios of test/conformance/scenarios.ts against our worker (same connector config, same fixed
 * database/table/topic names, fresh database) and compares every record (key, value, schema, source block,
 * headers) with the golden records recorded from Debezium in Kafka Connect (test/fixtures/debezium/, made by
 * `npm run debezium:golden`). Only the values listed in test/conformance/known-differences.ts are not compared.
 * `npm run conformance:report` prints the same differences in full, grouped by path.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { testServices } from './harness/services.js';
import { closeTestKafka } from './harness/worker.js';
import { closeConformanceKafka } from './conformance/capture.js';
import { formatReport } from './conformance/compare.js';
import { conformanceDifferences, haveGolden } from './conformance/run.js';
import type { ConnectorKind } from './conformance/scenarios.js';

describe('conformance with real Debezium: golden records vs ours', () => {
  after(async () => {
    await closeConformanceKafka();
    await closeTestKafka();
  });

  for (const kind of ['mariadb', 'postgres'] as ConnectorKind[]) {
    it(`${kind}: every record matches Debezium's beyond the known differences`, { skip: !haveGolden(kind) && 'no golden fixture', timeout: 600_000 }, async () => {
      const { diffs } = await conformanceDifferences(kind, await testServices());
      assert.equal(diffs.length, 0, `${formatReport(kind, diffs)}\n(npm run conformance:report -- ${kind} --full for every difference)`);
    });
  }
});
