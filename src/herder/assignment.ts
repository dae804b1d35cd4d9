/**
 * The connectors this worker runs in a group (distributed mode): the group's assignments add and revoke them,
 * and changes other workers write to the config topic (a new config, a target state, a delete) are brought about
 * here when the connector runs here. Everything runs in the herder's serial queue.
 */
import type { Logger } from '../logging/index.js';
import type { ConfigStore, StatusStore } from '../storage/types.js';
import type { createLifecycle } from './lifecycle.js';
import type { RunningTasks } from './running-tasks.js';
import type { SerialQueue } from './serial.js';
import type { AssignedWork } from './types.js';

export interface AssignmentDeps {
  owned: Set<string>;
  lifecycle: ReturnType<typeof createLifecycle>;
  running: RunningTasks;
  configStore: ConfigStore;
  statusStore: StatusStore;
  queue: SerialQueue;
  logger: Logger;
  /** The group's generation, for status records. */
  onGeneration(generation: number): void;
  shuttingDown(): boolean;
}

const sameConfig = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) => {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
};

export function createAssignedWork(deps: AssignmentDeps): AssignedWork {
  const { owned, lifecycle, configStore, statusStore, queue, logger } = deps;
  const errText = (err: unknown) => (err instanceof Error ? err.message : String(err));

  /** A connector deleted by the leader while it ran here: stop it, drop its statuses, let the plugin clean up. */
  async function deleted(name: string): Promise<void> {
    const last = lifecycle.applied(name);
    const recorded = lifecycle.recordedTaskCount(name);
    await lifecycle.stopTasks(name);
    owned.delete(name);
    lifecycle.forget(name);
    await statusStore.remove(name, recorded);
    logger.info({ connector: name }, 'connector deleted; its tasks here stopped');
    if (!last) return;
    let prepared;
    try {
      prepared = lifecycle.prepare(name, last.config);
    } catch {
      return; // no plugin or an invalid config: nothing for onDelete to clean up with
    }
    try {
      await prepared.plugin.onDelete?.(prepared.settings, logger.child({ connector: name }));
    } catch (err) {
      logger.warn({ connector: name, err: errText(err) }, 'connector cleanup after delete failed');
    }
  }

  async function reconcileNow(name: string): Promise<void> {
    if (deps.shuttingDown() || !owned.has(name)) return;
    const config = configStore.connectorConfig(name);
    if (!config) return deleted(name);
    const target = configStore.targetState(name) ?? 'STARTED';
    const applied = lifecycle.applied(name);
    if (applied && applied.target === target && sameConfig(applied.config, config)) return;
    logger.info({ connector: name, target }, 'connector config or target state changed; applying it here');
    await lifecycle.startConnector(name).catch((err: unknown) => lifecycle.failConnector(name, err));
  }

  return {
    owned: () => [...owned].sort(),
    apply: (generation, assigned, revoked) => queue.run(async () => {
      if (deps.shuttingDown()) return;
      deps.onGeneration(generation);
      for (const name of revoked) {
        if (!owned.delete(name)) continue;
        await lifecycle.release(name, false).catch((err: unknown) => logger.warn({ connector: name, err: errText(err) }, 'releasing a revoked connector failed'));
        logger.info({ connector: name }, 'connector revoked from this worker; stopped');
      }
      for (const name of assigned) {
        owned.add(name);
        if (!configStore.connectorConfig(name)) continue;
        logger.info({ connector: name }, 'connector assigned to this worker; starting');
        await lifecycle.startConnector(name).catch((err: unknown) => lifecycle.failConnector(name, err));
      }
    }),
    releaseAll: () => queue.run(async () => {
      for (const name of [...owned]) await lifecycle.release(name, true);
      owned.clear();
      for (const err of await deps.running.stopAll()) logger.warn({ err: errText(err) }, 'task did not stop cleanly');
    }),
    reconcile(name) {
      void queue.run(() => reconcileNow(name)).catch((err: unknown) => logger.error({ connector: name, err: errText(err) }, 'applying a config change failed'));
    },
  };
}
