/**
 * Wires a worker into its group: the membership (src/cluster) with the herder's assigned work, the leader's
 * assignment from the stores (configs read to the end first, graceful releases seen in the status topic), and the
 * herder's view of the group (who leads, where to forward). The assignor's memory (who had what, what waits for a
 * vanished worker) lives here, on the leader, and is forgotten when another worker leads.
 */
import {
  assign, connectorWithTasks, createMembership, EMPTY_ASSIGNOR_STATE,
  type Allocation, type AssignorState, type LeaderAssignment, type Membership, type RoundMember,
} from '../cluster/index.js';
import { ConflictError, ForwardError, type Herder, type HerderCluster } from '../herder/index.js';
import { createWorkerGroupClient } from '../kafka/index.js';
import type { Logger } from '../logging/index.js';
import type { KafkaConfigStore, KafkaOffsetStore, KafkaStatusStore } from '../storage/index.js';
import type { WorkerConfig } from './config.js';

export interface WorkerClusterOptions {
  config: WorkerConfig;
  configStore: KafkaConfigStore;
  statusStore: KafkaStatusStore;
  offsetStore: KafkaOffsetStore;
  logger: Logger;
}

export interface WorkerCluster {
  /** For createHerder's `cluster` option; usable before `join`. */
  readonly forHerder: HerderCluster;
  /** Joins the group with this worker's REST URL; resolves once the first assignment is applied. */
  join(herder: Herder, url: string, workerId: string): Promise<void>;
  /** Leaves the group (call after the herder stopped, so its connectors are marked UNASSIGNED first). */
  leave(): Promise<void>;
}

/** Resolves with `promise`, or with undefined after `ms` (a round that never ends must not hang a request). */
const within = <T>(promise: Promise<T>, ms: number) => Promise.race([promise, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms).unref())]);

const FOLLOW_CONFIGS_MS = 250;
const FOLLOW_STATUSES_MS = 500;
const FOLLOW_OFFSETS_MS = 2000;

export function createWorkerCluster(options: WorkerClusterOptions): WorkerCluster {
  const { config, configStore, statusStore, offsetStore } = options;
  const logger = options.logger.child({ component: 'group' });
  let membership: Membership | undefined;
  let ownWorkerId = '';
  let state: AssignorState = EMPTY_ASSIGNOR_STATE;

  const allocationOf = (names: Iterable<string>): Allocation =>
    new Map([...names].map((n) => [n, connectorWithTasks(configStore.taskConfigs(n)?.length ?? 0)]));

  async function leaderAssign(members: readonly RoundMember[]): Promise<LeaderAssignment> {
    await Promise.all([configStore.catchUp(), statusStore.catchUp()]);
    const connectors = configStore.connectorNames();
    const released = new Set(connectors.filter((c) => {
      const s = statusStore.connector(c);
      return !s || s.state === 'UNASSIGNED';
    }));
    const result = assign({
      now: Date.now(),
      maxDelayMs: config.group.scheduledRebalanceMaxDelayMs,
      connectors,
      members: members.map((m) => ({ id: m.id, owned: [...(m.metadata.allocation?.keys() ?? [])] })),
      released,
      state,
    });
    state = result.state;
    if (result.state.scheduled) {
      logger.info({ waiting: result.state.scheduled.lost, delayMs: result.delayMs }, 'connectors of a vanished worker wait for it (scheduled.rebalance.max.delay.ms)');
    }
    const byMember = new Map<string, { assigned: Allocation; revoked: Allocation }>();
    for (const [id, a] of result.assignments) byMember.set(id, { assigned: allocationOf(a.assigned), revoked: allocationOf(a.revoked) });
    return { byMember, delayMs: result.delayMs, configOffset: configStore.position() };
  }

  const forHerder: HerderCluster = {
    async leaderGate() {
      const m = membership;
      if (!m) return; // not joined yet: the herder is not serving changes
      if (m.state().isLeader) {
        await within(m.settled(), config.group.rebalanceTimeoutMs);
        if (m.state().isLeader && !m.state().rebalancing) return;
      }
      const { rebalancing, leaderUrl } = m.state();
      if (rebalancing || !leaderUrl) throw new ConflictError('Cannot complete request because of a conflicting operation (e.g. worker rebalance); retry shortly.');
      throw new ForwardError(leaderUrl, 'Config changes are made by the group leader');
    },
    rebalance: async () => {
      if (membership) await within(membership.rebalance(), config.group.rebalanceTimeoutMs);
    },
    workerId: () => ownWorkerId,
  };

  return {
    forHerder,
    async join(herder, url, workerId) {
      ownWorkerId = workerId;
      configStore.follow(FOLLOW_CONFIGS_MS, logger, (name) => herder.assigned.reconcile(name));
      statusStore.follow(FOLLOW_STATUSES_MS, logger);
      offsetStore.follow(FOLLOW_OFFSETS_MS, logger);
      const group = createWorkerGroupClient({
        groupId: config.groupId,
        clientId: `tscdc-${config.groupId}-${workerId}`,
        connection: config.kafka.connection,
        sessionTimeoutMs: config.group.sessionTimeoutMs,
        rebalanceTimeoutMs: config.group.rebalanceTimeoutMs,
      });
      membership = createMembership({
        group,
        protocols: config.group.protocol === 'sessioned' ? ['sessioned', 'compatible'] : ['compatible'],
        url,
        heartbeatIntervalMs: config.group.heartbeatIntervalMs,
        logger,
        allocation: () => allocationOf(herder.assigned.owned()),
        configOffset: () => configStore.position(),
        assign: (members) => leaderAssign(members),
        async apply(round) {
          if (!round.isLeader) state = EMPTY_ASSIGNOR_STATE;
          // Configs as far as the leader read them; offsets as far as the previous owners committed them.
          await configStore.catchUp();
          if (round.assignment.assigned.size > 0) await offsetStore.catchUp();
          await herder.assigned.apply(round.generation, [...round.assignment.assigned.keys()], [...round.assignment.revoked.keys()]);
        },
        lost: () => herder.assigned.releaseAll(),
      });
      await membership.start();
    },
    async leave() {
      await membership?.stop();
    },
  };
}
