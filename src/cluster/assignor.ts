/**
 * The leader's incremental cooperative assignment (KIP-415), with the connector as the unit of distribution:
 * a connector and all its tasks always go to one worker. Pure: previous round + members + what was released
 * → each member's newly assigned and revoked connectors, the delay to announce, and the state for next round.
 *
 *  - What runs keeps running where it runs (members report it in their JoinGroup metadata).
 *  - Deleted connectors, and second copies of a connector two members claim, are revoked.
 *  - Connectors of a member that vanished (in the previous round, not in this one) and that it did not release
 *    (a graceful stop marks them UNASSIGNED) are held for `maxDelayMs`, waiting for it to come back; a member new
 *    to the group in the meantime gets them; after the delay they go to whoever is least loaded.
 *  - New and released connectors go to the least loaded member at once.
 *  - Load evens out by revoking a member's surplus in one round; the members rejoin at once after revoking, and
 *    the next round assigns what was revoked to the least loaded. Nothing is revoked while a delay is pending.
 */

export interface AssignorMember {
  id: string;
  /** Connectors the member runs now, from its metadata. */
  owned: readonly string[];
}

export interface AssignorState {
  /** Full assignment after the previous round, by member id (the leader's memory; empty for a new leader). */
  previous: ReadonlyMap<string, readonly string[]>;
  /** Connectors held for vanished members, and when that wait ends. */
  scheduled: { deadline: number; lost: readonly string[] } | null;
}

export interface AssignorInput {
  now: number;
  maxDelayMs: number;
  /** Connectors in the config topic. */
  connectors: readonly string[];
  members: readonly AssignorMember[];
  /** Connectors their last owner let go of on purpose (status UNASSIGNED): never held. */
  released: ReadonlySet<string>;
  state: AssignorState;
}

export interface MemberAssignment {
  assigned: string[];
  revoked: string[];
}

export interface AssignorOutput {
  assignments: Map<string, MemberAssignment>;
  /** ms until the held connectors are given out (0: none held). */
  delayMs: number;
  state: AssignorState;
}

export const EMPTY_ASSIGNOR_STATE: AssignorState = { previous: new Map(), scheduled: null };

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function assign(input: AssignorInput): AssignorOutput {
  const configured = new Set(input.connectors);
  const members = [...input.members].sort((a, b) => byName(a.id, b.id));
  const out = new Map<string, MemberAssignment>(members.map((m) => [m.id, { assigned: [], revoked: [] }]));
  const kept = new Map<string, string[]>();
  const running = new Set<string>();

  // 1. Keep what runs; revoke what was deleted or is claimed twice.
  for (const m of members) {
    const own: string[] = [];
    for (const c of [...m.owned].sort(byName)) {
      if (!configured.has(c) || running.has(c)) out.get(m.id)!.revoked.push(c);
      else {
        own.push(c);
        running.add(c);
      }
    }
    kept.set(m.id, own);
  }
  const unassigned = [...configured].filter((c) => !running.has(c)).sort(byName);
  const stillUnassigned = new Set(unassigned);

  // 2. Connectors of vanished members (and ones already held) that were not released.
  const present = new Set(members.map((m) => m.id));
  const lost = new Set<string>();
  for (const [id, connectors] of input.state.previous) {
    if (present.has(id)) continue;
    for (const c of connectors) if (stillUnassigned.has(c) && !input.released.has(c)) lost.add(c);
  }
  for (const c of input.state.scheduled?.lost ?? []) if (stillUnassigned.has(c) && !input.released.has(c)) lost.add(c);

  let scheduled = input.state.scheduled;
  let held = new Set<string>();
  let delayMs = 0;
  const newcomers = members.filter((m) => !input.state.previous.has(m.id) && m.owned.length === 0 && input.state.previous.size > 0);
  const load = (id: string) => kept.get(id)!.length + out.get(id)!.assigned.length;
  const leastLoaded = (pool: readonly AssignorMember[]) =>
    pool.reduce((best, m) => (load(m.id) < load(best.id) ? m : best), pool[0]!);

  if (lost.size > 0 && newcomers.length > 0) {
    // A member came (back) while we waited: it takes the held work, as Connect gives lost tasks to new workers.
    for (const c of [...lost].sort(byName)) out.get(leastLoaded(newcomers).id)!.assigned.push(c);
    for (const c of lost) stillUnassigned.delete(c);
    scheduled = null;
  } else if (lost.size > 0) {
    if (!scheduled) scheduled = { deadline: input.now + input.maxDelayMs, lost: [] };
    if (input.now < scheduled.deadline) {
      held = lost;
      delayMs = scheduled.deadline - input.now;
      scheduled = { deadline: scheduled.deadline, lost: [...lost].sort(byName) };
    } else scheduled = null;
  } else scheduled = null;

  // 3. Targets for an even spread; surplus is revoked (given out next round), unless a delay is pending.
  const toAssign = [...stillUnassigned].filter((c) => !held.has(c));
  if (members.length > 0 && held.size === 0) {
    const total = running.size + toAssign.length + [...out.values()].reduce((n, a) => n + a.assigned.length, 0);
    const floor = Math.floor(total / members.length);
    let ceilSlots = total % members.length;
    // The most loaded keep the larger share, so the fewest connectors move.
    for (const m of [...members].sort((a, b) => load(b.id) - load(a.id) || byName(a.id, b.id))) {
      const target = floor + (ceilSlots > 0 ? 1 : 0);
      if (ceilSlots > 0) ceilSlots--;
      const own = kept.get(m.id)!;
      while (own.length > target) out.get(m.id)!.revoked.push(own.pop()!);
    }
  }

  // 4. New, released and (after the delay) lost connectors to the least loaded.
  if (members.length > 0) for (const c of toAssign) out.get(leastLoaded(members).id)!.assigned.push(c);

  const previous = new Map<string, string[]>();
  for (const m of members) previous.set(m.id, [...kept.get(m.id)!, ...out.get(m.id)!.assigned].sort(byName));
  return { assignments: out, delayMs, state: { previous, scheduled } };
}
