/** Connect's group protocol payloads: metadata and assignments survive a round trip, byte layouts as Connect's. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CONNECTOR_TASK, connectorWithTasks, decodeAssignment, decodeMetadata, encodeAssignment, encodeMetadata,
  type WorkerAssignment, type WorkerMetadata,
} from '../../../../src/cluster/protocol.js';

describe('connect group protocol', () => {
  const metadataCases: Array<[string, WorkerMetadata]> = [
    ['no allocation yet', { version: 1, url: 'http://10.0.0.1:8083/', configOffset: 0, allocation: null }],
    ['empty allocation', { version: 2, url: 'http://h:1', configOffset: 42, allocation: new Map() }],
    ['connectors with tasks', { version: 2, url: 'http://wörker:8083', configOffset: 2 ** 40, allocation: new Map([['a', connectorWithTasks(1)], ['b', connectorWithTasks(0)]]) }],
  ];
  for (const [what, m] of metadataCases) {
    it(`round-trips metadata: ${what}`, () => assert.deepEqual(decodeMetadata(encodeMetadata(m)), m));
  }

  it('lays metadata out as version, url, offset, nullable allocation bytes', () => {
    const buf = encodeMetadata({ version: 1, url: 'u', configOffset: 7, allocation: null });
    assert.deepEqual([...buf], [0, 1, 0, 1, 0x75, 0, 0, 0, 0, 0, 0, 0, 7, 0xff, 0xff, 0xff, 0xff]);
  });

  it('refuses eager (version 0) metadata', () => {
    assert.throws(() => decodeMetadata(Buffer.from([0, 0, 0, 0])), /eager/);
  });

  it('refuses a truncated payload', () => {
    const buf = encodeMetadata({ version: 1, url: 'http://x', configOffset: 1, allocation: new Map([['a', [CONNECTOR_TASK]]]) });
    assert.throws(() => decodeMetadata(buf.subarray(0, buf.length - 3)), /truncated/);
  });

  const assignmentCases: Array<[string, WorkerAssignment]> = [
    ['nothing', { version: 1, error: 0, leader: 'm-1', leaderUrl: 'http://l:1', configOffset: 3, assigned: new Map(), revoked: new Map(), delayMs: 0 }],
    ['assigned, revoked and a delay', {
      version: 2, error: 0, leader: 'connect-1-abc', leaderUrl: 'http://l:8083', configOffset: 99,
      assigned: new Map([['x', connectorWithTasks(2)]]), revoked: new Map([['y', connectorWithTasks(1)]]), delayMs: 300000,
    }],
  ];
  for (const [what, a] of assignmentCases) {
    it(`round-trips an assignment: ${what}`, () => assert.deepEqual(decodeAssignment(encodeAssignment(a)), a));
  }
});
