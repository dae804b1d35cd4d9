/**
 * scrubbingLogger: messages, fields, errors (message, stack, cause) and child bindings all pass the scrubber.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { scrubbingLogger } from '../../../../src/logging/index.js';

test('every string a log call carries is scrubbed, in children too; the error thrown is left as it was', () => {
  let text = '';
  const stream = new Writable({ write(chunk: Buffer, _enc, done) { text += chunk.toString(); done(); } });
  const logger = scrubbingLogger(pino({ level: 'debug' }, stream), (s) => s.replaceAll('db.secret.host', '[hidden]'));
  const err = new Error('connect ECONNREFUSED db.secret.host:3306', { cause: new Error('at db.secret.host') });
  logger.child({ host: 'db.secret.host' }).warn({ err, nested: { list: ['db.secret.host'] }, n: 1 }, 'cannot reach db.secret.host');
  logger.info('db.secret.host %s', 'x');
  assert.ok(!text.includes('db.secret.host'), text);
  const line = JSON.parse(text.split('\n')[0]!);
  assert.equal(line.msg, 'cannot reach [hidden]');
  assert.equal(line.host, '[hidden]');
  assert.match(line.err.message, /^connect ECONNREFUSED \[hidden\]:3306/);
  assert.equal(line.n, 1);
  assert.equal(err.message, 'connect ECONNREFUSED db.secret.host:3306');
  assert.equal(logger.isLevelEnabled('debug'), true);
});
