/**
 * Work distribution among readers: a queue that readers wait on while more work may still be added (a table
 * being split into ranges), and per-table gates that let range chunks be delivered in key order.
 */

export interface WorkQueue<T> {
  /** Adds tasks to the front, in the given order (ranges of a freshly split table go first). */
  pushFront(tasks: readonly T[]): void;
  /** Marks that a producer may still add tasks; `done()` ends it. */
  producer(): { done(): void };
  /** The next task, waiting while producers are active; null when there is no more work or `close()` was called. */
  next(): Promise<T | null>;
  close(): void;
}

export function createWorkQueue<T>(initial: readonly T[]): WorkQueue<T> {
  const tasks = initial.slice();
  let producers = 0;
  let closed = false;
  let wake: Array<() => void> = [];
  const notify = () => {
    const w = wake;
    wake = [];
    for (const f of w) f();
  };
  return {
    pushFront(more) {
      tasks.unshift(...more);
      notify();
    },
    producer() {
      producers++;
      let ended = false;
      return {
        done() {
          if (ended) return;
          ended = true;
          producers--;
          notify();
        },
      };
    },
    async next() {
      for (;;) {
        if (closed) return null;
        const t = tasks.shift();
        if (t !== undefined) return t;
        if (producers === 0) return null;
        await new Promise<void>((resolve) => wake.push(resolve));
      }
    },
    close() {
      closed = true;
      notify();
    },
  };
}

/** Lets sequence numbers 0, 1, 2… pass one after another. */
export interface OrderGate {
  /** Resolves when it is `seq`'s turn (or the gate was opened for good by `release`). */
  turn(seq: number): Promise<void>;
  /** `seq` is finished: the next may pass. */
  advance(seq: number): void;
  /** Lets every waiter through (used when stopping). */
  release(): void;
}

export function createOrderGate(): OrderGate {
  let next = 0;
  let released = false;
  const waiting = new Map<number, () => void>();
  return {
    turn(seq) {
      if (released || seq <= next) return Promise.resolve();
      return new Promise((resolve) => waiting.set(seq, resolve));
    },
    advance(seq) {
      if (seq !== next) return;
      next++;
      const w = waiting.get(next);
      if (w) {
        waiting.delete(next);
        w();
      }
    },
    release() {
      released = true;
      for (const w of waiting.values()) w();
      waiting.clear();
    },
  };
}
