/**
 * A RecordSink that keeps what it is given: each `send` as one batch, in order. Sends can be held (to see what
 * waits behind one) or made to fail once.
 */
import type { ChangeRecord, RecordSink, SourceOffset, SourcePartition } from '../../../src/connect-api/index.js';

export interface CapturingSink {
  sink: RecordSink;
  /** One entry per successful `send`, records as given. */
  batches: ChangeRecord[][];
  /** Every record sent, in order. */
  records(): ChangeRecord[];
  /** Offsets passed to `commitOffset`. */
  committed: Array<{ partition: SourcePartition; offset: SourceOffset }>;
  /** Makes the next `send` reject with `err` (nothing of it is kept). */
  failNextSend(err: unknown): void;
  /** Holds sends until the returned function is called; `started` resolves when a held send arrives. */
  hold(): { release: () => void; started: Promise<void> };
}

export function capturingSink(): CapturingSink {
  const batches: ChangeRecord[][] = [];
  const committed: CapturingSink['committed'] = [];
  let failure: { err: unknown } | null = null;
  let gate: Promise<void> | null = null;
  let arrived: (() => void) | null = null;
  const sink: RecordSink = {
    async send(records) {
      const copy = [...records];
      if (gate) {
        arrived?.();
        await gate;
      }
      if (failure) {
        const { err } = failure;
        failure = null;
        throw err;
      }
      batches.push(copy);
    },
    flush: async () => {},
    async commitOffset(partition, offset) {
      committed.push({ partition, offset });
    },
  };
  return {
    sink,
    batches,
    records: () => batches.flat(),
    committed,
    failNextSend(err) {
      failure = { err };
    },
    hold() {
      let release!: () => void;
      gate = new Promise<void>((r) => { release = r; });
      const started = new Promise<void>((r) => { arrived = r; });
      return { release: () => { gate = null; arrived = null; release(); }, started };
    },
  };
}
