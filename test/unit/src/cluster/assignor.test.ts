/** The incremental cooperative assignor, connector as the unit: table-driven rounds. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assign, EMPTY_ASSIGNOR_STATE, type AssignorInput, type AssignorState } from '../../../../src/cluster/assignor.js';

const state = (previous: Record<string, string[]>, scheduled: AssignorState['scheduled'] = null): AssignorState =>
  ({ previous: new Map(Object.entries(previous)), scheduled });

function run(input: Partial<AssignorInput> & Pick<AssignorInput, 'connectors' | 'members'>) {
  const out = assign({ now: 1000, maxDelayMs: 5000, released: new Set(), state: EMPTY_ASSIGNOR_STATE, ...input });
  const summary: Record<string, string> = {};
  for (const [id, a] of out.assignments) summary[id] = `+${a.assigned.join(',')} -${a.revoked.join(',')}`;
  return { summary, delayMs: out.delayMs, out };
}

interface Case {
  name: string;
  input: Partial<AssignorInput> & Pick<AssignorInput, 'connectors' | 'members'>;
  expect: Record<string, string>;
  delayMs?: number;
}

const cases: Case[] = [
  {
    name: 'a new cluster spreads connectors evenly',
    input: { connectors: ['a', 'b', 'c', 'd', 'e', 'f'], members: [{ id: 'w1', owned: [] }, { id: 'w2', owned: [] }, { id: 'w3', owned: [] }] },
    expect: { w1: '+a,d -', w2: '+b,e -', w3: '+c,f -' },
  },
  {
    name: 'what runs stays where it runs; a new connector goes to the least loaded',
    input: {
      connectors: ['a', 'b', 'c', 'n'], members: [{ id: 'w1', owned: ['a', 'b'] }, { id: 'w2', owned: ['c'] }],
      state: state({ w1: ['a', 'b'], w2: ['c'] }),
    },
    expect: { w1: '+ -', w2: '+n -' },
  },
  {
    name: 'a deleted connector is revoked, a second claim too',
    input: { connectors: ['a'], members: [{ id: 'w1', owned: ['a', 'gone'] }, { id: 'w2', owned: ['a'] }] },
    expect: { w1: '+ -gone', w2: '+ -a' },
  },
  {
    name: 'a vanished member\'s connectors are held for the delay',
    input: {
      connectors: ['a', 'b', 'c'], members: [{ id: 'w1', owned: ['a'] }, { id: 'w2', owned: ['b'] }],
      state: state({ w1: ['a'], w2: ['b'], w3: ['c'] }),
    },
    expect: { w1: '+ -', w2: '+ -' },
    delayMs: 5000,
  },
  {
    name: 'released connectors (graceful stop) are given out at once',
    input: {
      connectors: ['a', 'b', 'c'], members: [{ id: 'w1', owned: ['a'] }, { id: 'w2', owned: ['b'] }],
      state: state({ w1: ['a'], w2: ['b'], w3: ['c'] }), released: new Set(['c']),
    },
    expect: { w1: '+c -', w2: '+ -' },
  },
  {
    name: 'after the delay the held connectors go to the least loaded',
    input: {
      now: 7000, connectors: ['a', 'b', 'c'], members: [{ id: 'w1', owned: ['a', 'b'] }, { id: 'w2', owned: [] }],
      state: state({ w1: ['a', 'b'], w2: [] }, { deadline: 6000, lost: ['c'] }),
    },
    expect: { w1: '+ -', w2: '+c -' },
  },
  {
    name: 'before the deadline they stay held, with the remaining delay',
    input: {
      now: 4000, connectors: ['a', 'c'], members: [{ id: 'w1', owned: ['a'] }, { id: 'w2', owned: [] }],
      state: state({ w1: ['a'], w2: [] }, { deadline: 6000, lost: ['c'] }),
    },
    expect: { w1: '+ -', w2: '+ -' },
    delayMs: 2000,
  },
  {
    name: 'a member joining while connectors are held takes them',
    input: {
      connectors: ['a', 'c'], members: [{ id: 'w1', owned: ['a'] }, { id: 'w3b', owned: [] }],
      state: state({ w1: ['a'] }, { deadline: 6000, lost: ['c'] }),
    },
    expect: { w1: '+ -', w3b: '+c -' },
  },
  {
    name: 'a new member gets work by revocation first (the next round assigns it)',
    input: {
      connectors: ['a', 'b', 'c', 'd', 'e', 'f'],
      members: [{ id: 'w1', owned: ['a', 'b', 'c'] }, { id: 'w2', owned: ['d', 'e', 'f'] }, { id: 'w3', owned: [] }],
      state: state({ w1: ['a', 'b', 'c'], w2: ['d', 'e', 'f'] }),
    },
    expect: { w1: '+ -c', w2: '+ -f', w3: '+ -' },
  },
  {
    name: 'the round after revocation assigns the revoked connectors to the new member',
    input: {
      connectors: ['a', 'b', 'c', 'd', 'e', 'f'],
      members: [{ id: 'w1', owned: ['a', 'b'] }, { id: 'w2', owned: ['d', 'e'] }, { id: 'w3', owned: [] }],
      state: state({ w1: ['a', 'b'], w2: ['d', 'e'], w3: [] }),
    },
    expect: { w1: '+ -', w2: '+ -', w3: '+c,f -' },
  },
  {
    name: 'an uneven count leaves one extra where it runs (no churn)',
    input: {
      connectors: ['a', 'b', 'c'], members: [{ id: 'w1', owned: ['a', 'b'] }, { id: 'w2', owned: ['c'] }],
      state: state({ w1: ['a', 'b'], w2: ['c'] }),
    },
    expect: { w1: '+ -', w2: '+ -' },
  },
  {
    name: 'a new leader (no memory) assigns unowned connectors at once',
    input: { connectors: ['a', 'b'], members: [{ id: 'w2', owned: ['a'] }] },
    expect: { w2: '+b -' },
  },
];

describe('incremental cooperative assignor', () => {
  for (const c of cases) {
    it(c.name, () => {
      const { summary, delayMs } = run(c.input);
      assert.deepEqual(summary, c.expect);
      assert.equal(delayMs, c.delayMs ?? 0);
    });
  }

  it('remembers the full assignment and the held connectors for the next round', () => {
    const { out } = run({
      connectors: ['a', 'b', 'c'], members: [{ id: 'w1', owned: ['a'] }, { id: 'w2', owned: [] }],
      state: state({ w1: ['a'], w2: [], w3: ['c'] }),
    });
    assert.deepEqual(Object.fromEntries(out.state.previous), { w1: ['a'], w2: ['b'] });
    assert.deepEqual(out.state.scheduled, { deadline: 6000, lost: ['c'] });
  });

  it('a zero delay hands lost connectors over at once', () => {
    const { summary } = run({
      maxDelayMs: 0, connectors: ['a', 'c'], members: [{ id: 'w1', owned: ['a'] }, { id: 'w2', owned: [] }],
      state: state({ w1: ['a'], w2: [], w3: ['c'] }),
    });
    assert.deepEqual(summary, { w1: '+ -', w2: '+c -' });
  });
});
