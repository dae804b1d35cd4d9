import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startPlan, type SnapshotMode, type StartPlan } from '../../../../../src/connectors/shared/start-plan.js';

type Stored = 'none' | 'snapshot interrupted' | 'snapshot completed';

/** [mode, stored offset, snapshot, stream, resume streaming from the offset] */
const CASES: Array<[SnapshotMode, Stored, StartPlan['snapshot'], boolean, boolean]> = [
  ['initial', 'none', 'fresh', true, false],
  ['initial', 'snapshot interrupted', 'resume', true, true],
  ['initial', 'snapshot completed', 'none', true, true],
  ['when_needed', 'none', 'fresh', true, false],
  ['when_needed', 'snapshot interrupted', 'resume', true, true],
  ['when_needed', 'snapshot completed', 'none', true, true],
  ['initial_only', 'none', 'fresh', false, false],
  ['initial_only', 'snapshot interrupted', 'resume', false, true],
  ['initial_only', 'snapshot completed', 'none', false, true],
  ['no_data', 'none', 'none', true, false],
  ['no_data', 'snapshot interrupted', 'none', true, true],
  ['no_data', 'snapshot completed', 'none', true, true],
  ['always', 'none', 'fresh', true, false],
  ['always', 'snapshot interrupted', 'fresh', true, false],
  ['always', 'snapshot completed', 'fresh', true, false],
];

describe('start plan (snapshot.mode × stored offset), shared by all connectors', () => {
  for (const [mode, stored, snapshot, stream, fromOffset] of CASES) {
    it(`${mode}, offset: ${stored} → snapshot ${snapshot}, ${stream ? 'then stream' : 'no streaming'}`, () => {
      const s = stored === 'none' ? null : { snapshotCompleted: stored === 'snapshot completed' };
      assert.deepEqual(startPlan(mode, s), { snapshot, stream, fromOffset });
    });
  }
});
