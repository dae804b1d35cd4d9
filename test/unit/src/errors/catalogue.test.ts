/**
 * The error catalogue (src/errors/catalogue.ts) and its document (docs/errors.md).
 *
 * That every code the source throws is in the catalogue is not tested here: the types guarantee it. CdcError's
 * constructor and every subclass's take `code: ErrorCode` (= `keyof typeof ERROR_CATALOGUE`), the maps and
 * variables that carry codes are typed `ErrorCode`, and `CdcError.code` is `ErrorCode`, so a code that is not
 * catalogued, or a comparison `err.code === 'TYPO'`, fails `npm run build`. `typeChecks` below proves that
 * (`@ts-expect-error` fails the build when the line after it compiles).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { OffsetFormatError } from '../../../../src/connectors/mysql/offsets.js';
import { ERRORS_DOC_COMMAND, ERRORS_DOC_PATH, renderErrorsDoc } from '../../../../src/errors/doc.js';
import {
  CdcError, ConfigError, ERROR_AREAS, ERROR_CATALOGUE, errorSpec, isErrorCode, PositionLostError, SourcePrerequisiteError,
  TransientError, type ErrorCode, type ErrorSpec,
} from '../../../../src/errors/index.js';
import { AlreadyExistsError, BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../../../../src/herder/index.js';
import { PluginMissingError } from '../../../../src/herder/lifecycle.js';
import { KafkaError } from '../../../../src/kafka/errors.js';
import { RecordConversionError, TaskStoppedError } from '../../../../src/runtime/index.js';
import { StorageTopicError } from '../../../../src/storage/index.js';
import { SchemaDataError } from '../../../../schemas/index.js';

/** The checkout: the first directory above this file with a package.json (this file runs from dist/test/...). */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('no package.json above the test');
    dir = up;
  }
  return dir;
}

const entries = Object.entries(ERROR_CATALOGUE) as Array<[ErrorCode, ErrorSpec]>;

describe('error catalogue', () => {
  it(`${ERRORS_DOC_PATH} is what \`${ERRORS_DOC_COMMAND}\` writes from the catalogue`, () => {
    const path = join(repoRoot(), ERRORS_DOC_PATH);
    const onDisk = existsSync(path) ? readFileSync(path, 'utf8') : '';
    const wanted = renderErrorsDoc();
    if (onDisk !== wanted) {
      const a = onDisk.split('\n');
      const b = wanted.split('\n');
      const line = b.findIndex((l, i) => l !== a[i]);
      assert.fail(`${ERRORS_DOC_PATH} is out of date with src/errors/catalogue.ts (first difference at line ${line + 1}: `
        + `${JSON.stringify(a[line] ?? '(end of file)')}, expected ${JSON.stringify(b[line] ?? '(end of file)')}). `
        + `Run \`${ERRORS_DOC_COMMAND}\` and commit ${ERRORS_DOC_PATH}.`);
    }
  });

  it('every entry has an area, a retriable flag (with `when` for depends), and a one-line meaning and fix', () => {
    assert.ok(entries.length > 50);
    for (const [code, spec] of entries) {
      assert.match(code, /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/, code);
      assert.ok(Object.hasOwn(ERROR_AREAS, spec.area), `${code}: area ${spec.area}`);
      assert.ok(spec.retriable === true || spec.retriable === false || spec.retriable === 'depends', code);
      const texts = [spec.meaning, spec.fix, ...(spec.retriable === 'depends' ? [spec.when] : [])];
      for (const text of texts) {
        assert.ok(text.trim().length > 5, `${code}: empty text`);
        assert.ok(!/[\n|]/.test(text), `${code}: one line without pipes: ${text}`);
      }
      assert.match(spec.meaning, /[.)]$/, `${code}: the meaning is a sentence`);
      assert.match(spec.fix, /[.)]$/, `${code}: the fix is a sentence`);
    }
  });

  it('every catalogued code is raised or checked somewhere in the source tree', () => {
    const root = repoRoot();
    const sources: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.ts') && !p.endsWith(join('src', 'errors', 'catalogue.ts'))) sources.push(readFileSync(p, 'utf8'));
      }
    };
    for (const dir of ['src', 'snapshot', 'binlog', 'schemas', 'scripts']) walk(join(root, dir));
    const all = sources.join('\n');
    const unused = entries.map(([code]) => code).filter((code) => !all.includes(`'${code}'`));
    assert.deepEqual(unused, [], 'catalogued codes that no source file mentions: remove them from src/errors/catalogue.ts');
  });

  it('CdcError takes fix and (true/false) retriable from the catalogue where the call site gives none', () => {
    const lost = new CdcError('POSITION_LOST', 'gone');
    assert.equal(lost.retriable, false);
    assert.equal(lost.fix, ERROR_CATALOGUE.POSITION_LOST.fix);
    assert.equal(lost.describe(), `POSITION_LOST: gone Fix: ${ERROR_CATALOGUE.POSITION_LOST.fix}`);
    assert.equal(new CdcError('KAFKA_TRANSIENT', 'x').retriable, true);
    assert.equal(new CdcError('KAFKA_ERROR', 'x').retriable, false, "'depends' defaults to not retriable, as before");
    const own = new CdcError('KAFKA_ERROR', 'x', { retriable: true, fix: 'Do this.' });
    assert.deepEqual([own.retriable, own.fix], [true, 'Do this.']);
    assert.equal(new CdcError('KAFKA_TRANSIENT', 'x', { retriable: false }).retriable, false, 'the call site wins');
    // The same defaults through the subclasses that leave fix out.
    assert.equal(new TransientError('SOURCE_UNREACHABLE', 'x').fix, ERROR_CATALOGUE.SOURCE_UNREACHABLE.fix);
    assert.equal(new ConfigError('bad', 'k').fix, ERROR_CATALOGUE.CONFIG_INVALID.fix);
    assert.equal(new ConfigError('bad', 'k', { fix: 'Set k.' }).fix, 'Set k.');
  });

  it('a code from a JavaScript plugin that is not catalogued gets no defaults', () => {
    const e = new CdcError('PLUGIN_SPECIAL' as ErrorCode, 'x');
    assert.deepEqual([e.retriable, e.fix], [false, undefined]);
    assert.equal(errorSpec('PLUGIN_SPECIAL'), undefined);
    assert.equal(errorSpec('toString'), undefined);
    assert.equal(isErrorCode('PG_SLOT_IN_USE'), true);
    assert.equal(isErrorCode('constructor'), false);
  });

  it("the error classes' own retriable flags agree with the catalogue", () => {
    const made: CdcError[] = [
      new ConfigError('x'), new PositionLostError('x', 'y'), new TransientError('MYSQL_UNAVAILABLE', 'x'),
      new SourcePrerequisiteError('PG_WAL_LEVEL', 'x', 'y'), new StorageTopicError('x', 'y'), new NotFoundError('x'),
      new AlreadyExistsError('x'), new BadRequestError('x'), new ConflictError('x'), new ForbiddenError('x'),
      new PluginMissingError('c', 'cls'), new TaskStoppedError('x'), new RecordConversionError('t', new Error('x')),
      new OffsetFormatError('x'),
    ];
    for (const e of made) {
      const flag = ERROR_CATALOGUE[e.code].retriable;
      if (flag !== 'depends') assert.equal(e.retriable, flag, `${e.name} (${e.code})`);
    }
    const schemaError = new SchemaDataError('AVRO_SCHEMA_INCOMPATIBLE', 'x', 'y');
    assert.equal(schemaError.retriable, ERROR_CATALOGUE[schemaError.code].retriable);
  });
});

/** Never called: `npm run build` checks it. Each `@ts-expect-error` fails the build if the line below compiles. */
export function typeChecks(err: CdcError, schemaError: SchemaDataError): void {
  // @ts-expect-error a code that is not in the catalogue
  void new CdcError('NOT_A_CODE', 'x');
  // @ts-expect-error a typo in a comparison
  void (err.code === 'PG_SLOT_INUSE');
  // @ts-expect-error a subclass that takes a code
  void new KafkaError('KAFKA_OOPS', 'x', false, 'y');
  // @ts-expect-error TransientError only takes codes the catalogue calls retriable
  void new TransientError('CONFIG_INVALID', 'x');
  // @ts-expect-error SourcePrerequisiteError only takes codes the catalogue calls not retriable (or 'depends')
  void new SourcePrerequisiteError('KAFKA_TRANSIENT', 'x', 'y');
  // @ts-expect-error the schemas' codes are checked as well
  void (schemaError.code === 'DATA_NOT_A_CODE');
  const map: Record<string, { code: ErrorCode }> = {
    // @ts-expect-error and so are maps of codes
    X: { code: 'KAFKA_RECORD_TOO_BIG' },
  };
  void map;
}
