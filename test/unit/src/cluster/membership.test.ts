/** The membership loop against a scripted coordinator: first join, leader assignment, cooperative rejoin, loss, leave. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { createMembership, type AppliedRound } from '../../../../src/cluster/membership.js';
import { connectorWithTasks, decodeMetadata, type Allocation } from '../../../../src/cluster/protocol.js';
import { WorkerGroupError, type GroupJoin, type WorkerGroupClient } from '../../../../src/kafka/index.js';

const logger = pino({ level: 'silent' });
const alloc = (...names: string[]): Allocation => new Map(names.map((n) => [n, connectorWithTasks(1)]));

/** A one-member group: the coordinator hands back whatever the leader assigned, with scripted failures. */
function fakeGroup(script: { joinErrors?: WorkerGroupError[]; heartbeatErrors?: WorkerGroupError[] } = {}) {
  const calls: string[] = [];
  let generation = 0;
  let lastSync: Buffer | undefined;
  const group: WorkerGroupClient = {
    async join(memberId, protocols): Promise<GroupJoin> {
      calls.push(`join(${memberId || '-'})`);
      const err = script.joinErrors?.shift();
      if (err) throw err;
      generation++;
      return { generation, memberId: 'm1', leader: 'm1', protocol: protocols[0]!.name, members: [{ memberId: 'm1', metadata: protocols[0]!.metadata }] };
    },
    async sync(gen, _memberId, _protocol, assignments) {
      calls.push(`sync(${gen})`);
      lastSync = assignments[0]?.assignment;
      return lastSync!;
    },
    async heartbeat() {
      const err = script.heartbeatErrors?.shift();
      calls.push(err ? `heartbeat:${err.kind}` : 'heartbeat');
      if (err) throw err;
    },
    async leave(memberId) { calls.push(`leave(${memberId})`); },
    async close() { calls.push('close'); },
  };
  return { group, calls };
}

describe('group membership loop', () => {
  it('joins again with the member id the coordinator requires, assigns as leader and applies', async () => {
    const { group, calls } = fakeGroup({ joinErrors: [new WorkerGroupError('member-id-required', 'x', 'm1')] });
    const applied: AppliedRound[] = [];
    let seenMembers: string[] = [];
    const m = createMembership({
      group, protocols: ['sessioned', 'compatible'], url: 'http://w1:8083', heartbeatIntervalMs: 5, logger,
      allocation: () => alloc('a'), configOffset: () => 7,
      async assign(members) {
        seenMembers = members.map((x) => `${x.id}@${x.metadata.url}:${[...x.metadata.allocation!.keys()].join(',')}`);
        return { byMember: new Map([['m1', { assigned: alloc('b'), revoked: new Map() }]]), delayMs: 0, configOffset: 7 };
      },
      apply: async (round) => { applied.push(round); },
      lost: async () => undefined,
    });
    await m.start();
    assert.deepEqual(calls.slice(0, 3), ['join(-)', 'join(m1)', 'sync(1)']);
    assert.deepEqual(seenMembers, ['m1@http://w1:8083:a']);
    assert.equal(applied.length, 1);
    assert.deepEqual([...applied[0]!.assignment.assigned.keys()], ['b']);
    assert.deepEqual(m.state(), { rebalancing: false, isLeader: true, leaderUrl: 'http://w1:8083', generation: 1 });
    await m.stop();
    assert.deepEqual(calls.slice(-2), ['leave(m1)', 'close']);
  });

  it('rejoins at once after revoking, and when asked; rebalance() resolves after the next round', async () => {
    const { group, calls } = fakeGroup();
    let round = 0;
    const m = createMembership({
      group, protocols: ['compatible'], url: 'http://w1:8083', heartbeatIntervalMs: 1000, logger,
      allocation: () => new Map(), configOffset: () => 0,
      async assign() {
        round++;
        return { byMember: new Map([['m1', { assigned: new Map(), revoked: round === 1 ? alloc('x') : new Map() }]]), delayMs: 0, configOffset: 0 };
      },
      apply: async () => undefined,
      lost: async () => undefined,
    });
    await m.start();
    await m.settled();
    assert.equal(calls.filter((c) => c.startsWith('sync')).length, 2, 'a revocation is followed by a second round');
    await m.rebalance();
    assert.equal(calls.filter((c) => c.startsWith('sync')).length, 3);
    await m.stop();
  });

  it('a member dropped from the group stops everything before it rejoins', async () => {
    const { group, calls } = fakeGroup({ heartbeatErrors: [new WorkerGroupError('lost', 'UNKNOWN_MEMBER_ID')] });
    const events: string[] = [];
    const m = createMembership({
      group, protocols: ['compatible'], url: 'http://w1:8083', heartbeatIntervalMs: 5, logger,
      allocation: () => new Map(), configOffset: () => 0,
      assign: async () => ({ byMember: new Map(), delayMs: 0, configOffset: 0 }),
      apply: async (r) => { events.push(`apply(${r.generation})`); },
      lost: async () => { events.push('lost'); },
    });
    await m.start();
    const deadline = Date.now() + 5000;
    while (!events.includes('apply(2)') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(events.slice(0, 3), ['apply(1)', 'lost', 'apply(2)']);
    assert.ok(calls.includes('heartbeat:lost'));
    await m.stop();
  });

  it('offers each protocol with its own metadata version', async () => {
    let offered: Array<[string, number]> = [];
    const { group } = fakeGroup();
    const join = group.join.bind(group);
    group.join = (id, protocols) => {
      offered = protocols.map((p) => [p.name, decodeMetadata(p.metadata).version]);
      return join(id, protocols);
    };
    const m = createMembership({
      group, protocols: ['sessioned', 'compatible'], url: 'http://w', heartbeatIntervalMs: 1000, logger,
      allocation: () => new Map(), configOffset: () => 0,
      assign: async () => ({ byMember: new Map(), delayMs: 0, configOffset: 0 }),
      apply: async () => undefined, lost: async () => undefined,
    });
    await m.start();
    assert.deepEqual(offered, [['sessioned', 2], ['compatible', 1]]);
    await m.stop();
  });
});

