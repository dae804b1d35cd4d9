/**
 * Runs operations one at a time, in call order — the herder's equivalent of Connect's single herder thread.
 * Every change to connectors and tasks goes through it, so two requests never interleave their writes.
 */
export interface SerialQueue {
  run<T>(op: () => Promise<T>): Promise<T>;
  /** Resolves once every operation queued so far has settled. */
  idle(): Promise<void>;
}

export function createSerialQueue(): SerialQueue {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(op: () => Promise<T>): Promise<T> {
      const result = tail.then(op, op);
      tail = result.catch(() => undefined);
      return result;
    },
    idle: () => tail.then(() => undefined),
  };
}
