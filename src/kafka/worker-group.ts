/**
 * The group protocol calls of distributed workers (FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup),
 * made with the client library's public protocol APIs over a connection pool of our own, with the same TLS/SASL
 * settings as the worker's other clients. What the membership does with them lives in src/cluster.
 */
import { ConnectionPool, findCoordinatorV6, heartbeatV4, joinGroupV9, leaveGroupV5, syncGroupV5, type Connection } from '@platformatic/kafka';
import { CdcError } from '../errors/index.js';
import { pino } from 'pino';
import { baseOptions } from './platformatic-adapter.js';
import type { GroupJoin, WorkerGroupClient, WorkerGroupOptions } from './types.js';

/** What a failed group call means for the member. */
export type WorkerGroupErrorKind =
  /** First JoinGroup of a new member: join again with the member id the coordinator gave. */
  | 'member-id-required'
  /** The group is rebalancing: join again. */
  | 'rebalance'
  /** The coordinator no longer knows this member (session expired) or its generation: it lost its assignment. */
  | 'lost'
  /** Coordinator moved, loading or unreachable: look it up again and retry. */
  | 'coordinator'
  | 'other';

export class WorkerGroupError extends CdcError {
  constructor(readonly kind: WorkerGroupErrorKind, message: string, readonly memberId?: string, cause?: unknown) {
    super('WORKER_GROUP', message, { retriable: kind !== 'other', cause });
  }
}

const KIND_BY_ERROR: Record<string, WorkerGroupErrorKind> = {
  MEMBER_ID_REQUIRED: 'member-id-required',
  REBALANCE_IN_PROGRESS: 'rebalance',
  UNKNOWN_MEMBER_ID: 'lost',
  ILLEGAL_GENERATION: 'lost',
  FENCED_INSTANCE_ID: 'lost',
  NOT_COORDINATOR: 'coordinator',
  COORDINATOR_NOT_AVAILABLE: 'coordinator',
  COORDINATOR_LOAD_IN_PROGRESS: 'coordinator',
};

interface ProtocolErrorLike { apiId?: string; errors?: unknown[]; response?: { memberId?: string }; code?: string; message?: string }

function classify(err: unknown, what: string): WorkerGroupError {
  if (err instanceof WorkerGroupError) return err;
  const e = err as ProtocolErrorLike;
  const inner = (e.errors?.[0] ?? e) as ProtocolErrorLike;
  const id = inner.apiId;
  const kind = id ? KIND_BY_ERROR[id] ?? 'other' : 'coordinator'; // no broker error code: the connection failed
  return new WorkerGroupError(kind, `${what} failed: ${id ?? e.message ?? String(err)}`, e.response?.memberId, err);
}

export function createWorkerGroupClient(options: WorkerGroupOptions): WorkerGroupClient {
  const { groupId } = options;
  const base = baseOptions(options.connection, options.clientId, { clientId: options.clientId, connection: options.connection, logger: pino({ level: 'silent' }) });
  // A JoinGroup waits up to the rebalance timeout for the other members; the request must outlast it.
  const pool = new ConnectionPool(options.clientId, {
    connectTimeout: base.connectTimeout,
    requestTimeout: options.rebalanceTimeoutMs + 10_000,
    ...(base.tls ? { tls: base.tls, tlsServerName: base.tlsServerName } : {}),
    ...(base.sasl ? { sasl: base.sasl } : {}),
  });
  const brokers = (base.bootstrapBrokers as string[]).map((b) => {
    const at = b.lastIndexOf(':');
    return { host: b.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(b.slice(at + 1)) };
  });
  let coordinator: Promise<Connection> | undefined;

  function coordinatorConnection(): Promise<Connection> {
    coordinator ??= (async () => {
      const any = await pool.getFirstAvailable(brokers);
      const found = await findCoordinatorV6.api.async(any, 0, [groupId]);
      const c = found.coordinators[0];
      if (!c || c.errorCode !== 0) throw new WorkerGroupError('coordinator', `No coordinator for group ${groupId} yet (error ${c?.errorCode ?? 'none'})`);
      return pool.get({ host: c.host, port: c.port });
    })();
    coordinator.catch(() => (coordinator = undefined));
    return coordinator;
  }

  async function call<T>(what: string, fn: (c: Connection) => Promise<T>): Promise<T> {
    try {
      return await fn(await coordinatorConnection());
    } catch (err) {
      const classified = classify(err, what);
      if (classified.kind === 'coordinator') coordinator = undefined;
      throw classified;
    }
  }

  return {
    join: (memberId, protocols) => call('JoinGroup', async (c): Promise<GroupJoin> => {
      const r = await joinGroupV9.api.async(c, groupId, options.sessionTimeoutMs, options.rebalanceTimeoutMs, memberId, null, 'connect',
        protocols.map((p) => ({ name: p.name, metadata: p.metadata })), null);
      return {
        generation: r.generationId, memberId: r.memberId, leader: r.leader, protocol: r.protocolName ?? '',
        members: r.members.map((m) => ({ memberId: m.memberId, metadata: m.metadata })),
      };
    }),
    sync: (generation, memberId, protocol, assignments) => call('SyncGroup', async (c) =>
      (await syncGroupV5.api.async(c, groupId, generation, memberId, null, 'connect', protocol, assignments.map((a) => ({ ...a })))).assignment),
    heartbeat: (generation, memberId) => call('Heartbeat', async (c) => {
      await heartbeatV4.api.async(c, groupId, generation, memberId, null);
    }),
    leave: (memberId) => call('LeaveGroup', async (c) => {
      await leaveGroupV5.api.async(c, groupId, [{ memberId, groupInstanceId: null, reason: 'the worker is stopping' }]);
    }),
    close: () => pool.close(),
  };
}
