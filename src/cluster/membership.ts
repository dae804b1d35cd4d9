/**
 * A worker's membership in its Connect group, through Kafka's group coordinator: join (offering Connect's
 * cooperative protocols with what this worker runs), let the leader assign, sync, apply the assignment while
 * heartbeating, rejoin when the coordinator says the group is rebalancing, when the assignment revoked something
 * (KIP-415: revoke in one round, assign in the next), when the leader announced a delay, or when asked.
 * A member the coordinator dropped (its session expired) stops everything it ran before it rejoins: by then
 * another worker may run it. Leaves the group on stop, so the others take over at once.
 */
import type { GroupJoin, WorkerGroupClient } from '../kafka/index.js';
import { WorkerGroupError } from '../kafka/index.js';
import type { Logger } from '../logging/index.js';
import {
  decodeAssignment, decodeMetadata, encodeAssignment, encodeMetadata, PROTOCOL_VERSIONS,
  type Allocation, type ConnectProtocol, type WorkerAssignment, type WorkerMetadata,
} from './protocol.js';

export interface RoundMember {
  id: string;
  metadata: WorkerMetadata;
}

export interface LeaderAssignment {
  byMember: Map<string, { assigned: Allocation; revoked: Allocation }>;
  delayMs: number;
  configOffset: number;
}

export interface AppliedRound {
  generation: number;
  memberId: string;
  isLeader: boolean;
  assignment: WorkerAssignment;
}

export interface MembershipOptions {
  group: WorkerGroupClient;
  /** Offered in this order of preference (connect.protocol sessioned offers both, as Connect does). */
  protocols: readonly ConnectProtocol[];
  /** This worker's REST URL, for the others to forward requests to when it leads. */
  url: string;
  heartbeatIntervalMs: number;
  logger: Logger;
  /** What this worker runs now, for its metadata. */
  allocation(): Allocation;
  configOffset(): number;
  /** Leader only: every member's assignment for the round. */
  assign(members: readonly RoundMember[], generation: number): Promise<LeaderAssignment>;
  /** Applies this worker's part (stop revoked, start assigned); heartbeats go on meanwhile. */
  apply(round: AppliedRound): Promise<void>;
  /** The coordinator dropped this member: stop everything without writing statuses (others may run it now). */
  lost(): Promise<void>;
}

export interface MembershipState {
  /** Between the start of a join and the end of applying its assignment. */
  rebalancing: boolean;
  isLeader: boolean;
  /** From the last assignment; null before the first. */
  leaderUrl: string | null;
  generation: number;
}

export interface Membership {
  /** Joins the group; resolves once the first assignment is applied. */
  start(): Promise<void>;
  /** Asks for a new round; resolves once a round that started after the call was applied here. */
  rebalance(): Promise<void>;
  /** Resolves when no round is under way (at once if none is). */
  settled(): Promise<void>;
  state(): MembershipState;
  /** Leaves the group (the others rebalance at once) and closes the coordinator connection. */
  stop(): Promise<void>;
}

const RETRY_MS = 1000;

export function createMembership(options: MembershipOptions): Membership {
  const { group, logger } = options;
  let memberId = '';
  let generation = -1;
  let isLeader = false;
  let leaderUrl: string | null = null;
  let rebalancing = true;
  let stopping = false;
  let rejoin = false;
  let wake: (() => void) | undefined;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  let delayTimer: NodeJS.Timeout | undefined;
  // Callers of rebalance() waiting for a round that starts after their call, and callers of settled().
  let nextRound: Array<() => void> = [];
  let thisRound: Array<() => void> = [];
  let settledWaiters: Array<() => void> = [];
  let firstRound!: { resolve: () => void; reject: (err: unknown) => void };
  const started = new Promise<void>((resolve, reject) => (firstRound = { resolve, reject }));
  let loop: Promise<void> | undefined;

  const sleep = (ms: number) => new Promise<void>((resolve) => {
    const t = setTimeout(() => { wake = undefined; resolve(); }, ms);
    wake = () => { clearTimeout(t); wake = undefined; resolve(); };
  });

  function requestRejoin(): void {
    rejoin = true;
    wake?.();
  }

  function stopHeartbeats(): void {
    if (heartbeatTimer) clearTimeout(heartbeatTimer);
    heartbeatTimer = undefined;
  }

  let droppedFromGroup = false;
  function startHeartbeats(gen: number): void {
    stopHeartbeats();
    const beat = () => {
      heartbeatTimer = undefined;
      if (stopping || gen !== generation) return;
      group.heartbeat(gen, memberId).then(
        () => { if (!stopping && gen === generation) heartbeatTimer = setTimeout(beat, options.heartbeatIntervalMs); },
        (err: unknown) => {
          if (stopping || gen !== generation) return;
          const kind = err instanceof WorkerGroupError ? err.kind : 'other';
          if (kind === 'lost') droppedFromGroup = true;
          if (kind === 'rebalance') logger.info({ generation: gen }, 'the group is rebalancing; rejoining');
          else logger.warn({ generation: gen, err: (err as Error).message }, 'heartbeat failed; rejoining the group');
          requestRejoin();
        },
      );
    };
    heartbeatTimer = setTimeout(beat, options.heartbeatIntervalMs);
  }

  function metadataFor(protocol: ConnectProtocol): Buffer {
    return encodeMetadata({ version: PROTOCOL_VERSIONS[protocol], url: options.url, configOffset: options.configOffset(), allocation: options.allocation() });
  }

  async function leaderAssignments(join: GroupJoin): Promise<Array<{ memberId: string; assignment: Buffer }>> {
    const members: RoundMember[] = [];
    for (const m of join.members) {
      try {
        members.push({ id: m.memberId, metadata: decodeMetadata(m.metadata) });
      } catch (err) {
        // A worker speaking another protocol version still gets an (empty) assignment, and a log line here.
        logger.warn({ member: m.memberId, err: (err as Error).message }, 'group member metadata not understood; it gets no work');
        members.push({ id: m.memberId, metadata: { version: 1, url: '', configOffset: -1, allocation: new Map() } });
      }
    }
    const result = await options.assign(members, join.generation);
    const version = PROTOCOL_VERSIONS[join.protocol as ConnectProtocol] ?? 1;
    return members.map((m) => {
      const mine = result.byMember.get(m.id) ?? { assigned: new Map(), revoked: new Map() };
      return {
        memberId: m.id,
        assignment: encodeAssignment({
          version, error: 0, leader: memberId, leaderUrl: options.url, configOffset: result.configOffset,
          assigned: mine.assigned, revoked: mine.revoked, delayMs: result.delayMs,
        }),
      };
    });
  }

  /** Handles a failed join or sync; resolves when the next attempt may start. */
  async function onRoundError(err: unknown, what: string): Promise<void> {
    const e = err instanceof WorkerGroupError ? err : undefined;
    if (e?.kind === 'member-id-required' && e.memberId) {
      memberId = e.memberId;
      return;
    }
    if (e?.kind === 'rebalance') return;
    if (e?.kind === 'lost') {
      memberId = '';
      droppedFromGroup = true;
      return;
    }
    if (!stopping) logger.warn({ err: (err as Error).message }, `${what} failed; retrying`);
    await sleep(RETRY_MS);
  }

  async function round(): Promise<void> {
    rebalancing = true;
    rejoin = false;
    stopHeartbeats();
    if (droppedFromGroup) {
      droppedFromGroup = false;
      logger.warn('this worker was dropped from its group (session expired); stopping its connectors before rejoining');
      await options.lost();
    }
    const waiting = nextRound;
    nextRound = [];
    thisRound.push(...waiting);
    let join: GroupJoin;
    try {
      join = await group.join(memberId, options.protocols.map((p) => ({ name: p, metadata: metadataFor(p) })));
    } catch (err) {
      rejoin = true;
      return onRoundError(err, 'joining the group');
    }
    memberId = join.memberId;
    generation = join.generation;
    let mine: Buffer;
    try {
      const assignments = join.leader === memberId ? await leaderAssignments(join) : [];
      mine = await group.sync(join.generation, memberId, join.protocol, assignments);
    } catch (err) {
      rejoin = true;
      return onRoundError(err, 'syncing the group');
    }
    const assignment = decodeAssignment(mine);
    isLeader = assignment.leader === memberId;
    leaderUrl = assignment.leaderUrl;
    startHeartbeats(join.generation);
    logger.info({
      generation, memberId, leader: isLeader, leaderUrl,
      assigned: [...assignment.assigned.keys()], revoked: [...assignment.revoked.keys()], delayMs: assignment.delayMs,
    }, 'group assignment received');
    await options.apply({ generation, memberId, isLeader, assignment });
    if (assignment.revoked.size > 0) rejoin = true;
    if (delayTimer) clearTimeout(delayTimer);
    delayTimer = assignment.delayMs > 0 ? setTimeout(requestRejoin, assignment.delayMs) : undefined;
    rebalancing = rejoin;
    for (const done of thisRound.splice(0)) done();
    if (!rebalancing) for (const done of settledWaiters.splice(0)) done();
    firstRound.resolve();
  }

  async function run(): Promise<void> {
    while (!stopping) {
      try {
        await round();
      } catch (err) {
        // assign() or apply() failed: logged, and the next round tries again.
        logger.error({ err: err instanceof Error ? err.message : String(err) }, 'group round failed');
        await sleep(RETRY_MS);
        rejoin = true;
      }
      while (!stopping && !rejoin) await sleep(60_000);
    }
  }

  return {
    start() {
      loop ??= run().catch((err: unknown) => firstRound.reject(err));
      return started;
    },
    rebalance() {
      return new Promise<void>((resolve) => {
        nextRound.push(resolve);
        requestRejoin();
      });
    },
    settled: () => (rebalancing ? new Promise<void>((resolve) => settledWaiters.push(resolve)) : Promise.resolve()),
    state: () => ({ rebalancing, isLeader, leaderUrl, generation }),
    async stop() {
      stopping = true;
      stopHeartbeats();
      if (delayTimer) clearTimeout(delayTimer);
      wake?.();
      if (memberId) await group.leave(memberId).catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'leaving the group failed; the others take over after session.timeout.ms'));
      await group.close().catch(() => undefined);
      await loop?.catch(() => undefined);
      for (const done of [...nextRound.splice(0), ...thisRound.splice(0), ...settledWaiters.splice(0)]) done();
    },
  };
}
