import { CdcError, type ErrorCodeIn } from '../../src/errors/index.js';

/** Something the demo itself cannot get past; never retriable by the demo, `fix` says what to do. */
export class DemoError extends CdcError {
  constructor(code: ErrorCodeIn<'demo'>, message: string, fix: string, cause?: unknown) {
    super(code, message, { retriable: false, fix, cause });
  }
}
