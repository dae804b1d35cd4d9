import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACKED_COMMIT_INTERVAL_MS, offsetCommitIntervalMs } from '../../../../src/worker/task-launcher.js';

describe('offset commit cadence', () => {
  it('commits acknowledged offsets every few hundred ms, offset.flush.interval.ms being the upper bound', () => {
    assert.equal(offsetCommitIntervalMs(60_000), ACKED_COMMIT_INTERVAL_MS);
    assert.ok(ACKED_COMMIT_INTERVAL_MS <= 500);
    assert.equal(offsetCommitIntervalMs(100), 100);
    assert.equal(offsetCommitIntervalMs(0), 0);
  });
});
