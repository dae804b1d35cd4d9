/**
 * Config providers on a real worker (in process, real Kafka and MariaDB): KIP-993's allowed.paths is enforced
 * before anything is read (`..` and symlinks included), and no value a provider resolved comes back — not in a
 * 400, not in validate's answer, not in a FAILED task's trace, not in any line of the worker's log.
 *
 * The worker enables `file` and `directory` limited to one directory, `open` (a FileConfigProvider without
 * allowed.paths, as Connect's default is) and `env`.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mysqlConnectorConfig } from './mysql-helpers.js';
import { uniqueName, waitFor } from './harness/services.js';
import {
  api,
  cleanupWorkerTopics,
  closeTestKafka,
  counterConfig,
  isRunning,
  newWorkerSettings,
  readTopic,
  startInProcessWorker,
  waitForStatus,
  type InProcessWorker,
  type WorkerSettings,
} from './harness/worker.js';

const FILE = 'org.apache.kafka.common.config.provider.FileConfigProvider';
const DIRECTORY = 'org.apache.kafka.common.config.provider.DirectoryConfigProvider';
const ENV = 'org.apache.kafka.common.config.provider.EnvVarConfigProvider';
const VALIDATE = '/connector-plugins/CounterSource/config/validate';

describe('config providers: allowed.paths and no resolved value in any answer or log', () => {
  const base = mkdtempSync(join(tmpdir(), 'tscdc-providers-'));
  const allowed = join(base, 'allowed');
  const outside = join(base, 'outside');
  const open = join(base, 'open');
  // Every text a provider could read in this test; none may appear in a response or the log.
  const outsideSecret = uniqueName('outside_secret');
  const leakTopic = `leaky value ${uniqueName('topic_secret')}`;
  const leakTasks = `many ${uniqueName('tasks_secret')}`;
  const label = `label ${uniqueName('label_secret')}`;
  const wholeFile = `whole file ${uniqueName('whole_secret')}\nsecond line ${uniqueName('line_secret')}\n`;
  const hostSecret = `${uniqueName('host_secret').replace(/_/g, '-')}.invalid`;
  const passwdFirstLine = readFileSync('/etc/passwd', 'utf8').split('\n')[0]!;
  // What /proc/self/environ of this process starts with (the in-process worker is this process).
  const environFirst = readFileSync('/proc/self/environ', 'utf8').split('\0')[0]!;
  const goodTopic = uniqueName('provided_topic');
  const failTopic = uniqueName('fail_topic');
  const secretTexts = [outsideSecret, leakTopic, leakTasks, label, ...wholeFile.trim().split('\n'), hostSecret, passwdFirstLine, passwdFirstLine.slice(passwdFirstLine.indexOf(':') + 1), environFirst];

  let settings: WorkerSettings;
  let w: InProcessWorker;
  let http: ReturnType<typeof api>;
  const created: string[] = [];

  /** Every secret text that `text` contains (none, if all is well). */
  const leaked = (text: string) => secretTexts.filter((s) => text.includes(s) || text.includes(s.split(' ').pop()!));

  before(async () => {
    for (const dir of [allowed, outside, open]) mkdirSync(dir);
    writeFileSync(join(outside, 'secret.properties'), `topic=${outsideSecret}\n`);
    writeFileSync(join(allowed, 'conn.properties'), `topic=${goodTopic}\n`);
    symlinkSync(join(outside, 'secret.properties'), join(allowed, 'link.properties'));
    writeFileSync(join(open, 'leak.properties'), `topic=${leakTopic}\ntasks=${leakTasks}\nlabel=${label}\n`);
    writeFileSync(join(open, 'whole.txt'), wholeFile);
    settings = newWorkerSettings('providers', {
      'config.providers': 'file,directory,open,env',
      'config.providers.file.class': FILE,
      'config.providers.file.param.allowed.paths': allowed,
      'config.providers.directory.class': DIRECTORY,
      'config.providers.directory.param.allowed.paths': allowed,
      'config.providers.open.class': FILE,
      'config.providers.env.class': ENV,
    });
    w = await startInProcessWorker(settings, { TSCDC_TEST_DB_HOST: hostSecret });
    http = api(w.url);
  });

  after(async () => {
    for (const name of created) await http?.delete(`/connectors/${name}`);
    await w?.stop();
    await cleanupWorkerTopics(settings, [goodTopic, failTopic]);
    await closeTestKafka();
    rmSync(base, { recursive: true, force: true });
  });

  /** POST /connectors that must be refused: 400, the message names `key` and matches `why`, no secret in it. */
  async function refused(config: Record<string, string>, key: string, why: RegExp): Promise<string> {
    const r = await http.post('/connectors', { name: uniqueName('refused'), config });
    assert.equal(r.status, 400, r.text);
    assert.match(r.body.message, new RegExp(`(configuration ${key.replace(/\./g, '\\.')}\\b|"${key.replace(/\./g, '\\.')}"|^${key.replace(/\./g, '\\.')}:)`, 'm'), r.body.message);
    assert.match(r.body.message, why);
    assert.deepEqual(leaked(r.text), [], r.text);
    return r.body.message;
  }

  /** validate's answer: the errors of `key`, after checking the whole answer holds no secret. */
  async function validateErrors(config: Record<string, string>, key: string, path = VALIDATE): Promise<{ errors: string[]; value: unknown }> {
    const r = await http.put(path, config);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(leaked(r.text), [], r.text);
    const info = r.body.configs.find((c: any) => c.value.name === key);
    return { errors: info.value.errors, value: info.value.value };
  }

  it('refuses a reference outside allowed.paths by its key, without reading the file', async () => {
    const ref = `\${file:${join(outside, 'secret.properties')}:topic}`;
    await refused(counterConfig(ref), 'topic', /outside the file provider's allowed\.paths/);
    const v = await validateErrors(counterConfig(ref), 'topic');
    assert.ok(v.errors.some((e) => /refers to \$\{file:.*secret\.properties:topic\}: .* is outside/.test(e)), v.errors.join('\n'));
    assert.equal(v.value, ref, 'validate shows the reference as written');
    // A file that does not exist is refused the same way: the check comes before the disk is looked at.
    await refused(counterConfig(`\${file:${join(outside, 'nope.properties')}:topic}`), 'topic', /outside the file provider's allowed\.paths/);
  });

  it('refuses `..` and symlinks that lead out of allowed.paths, for file and directory', async () => {
    await refused(counterConfig(`\${file:${allowed}/../outside/secret.properties:topic}`), 'topic', /is outside/);
    await refused(counterConfig(`\${file:${join(allowed, 'link.properties')}:topic}`), 'topic', /is outside/);
    await refused(counterConfig(`\${directory:${allowed}:link.properties}`), 'topic', /is outside the directory provider's allowed\.paths/);
    await refused(counterConfig(`\${directory:${allowed}/../outside:secret.properties}`), 'topic', /is outside/);
  });

  it('reads a reference inside allowed.paths: the connector runs on the value, its config shows the reference', async () => {
    const ref = `\${file:${join(allowed, 'conn.properties')}:topic}`;
    const v = await validateErrors(counterConfig(ref), 'topic');
    assert.deepEqual(v.errors, []);
    assert.equal(v.value, ref);
    const name = uniqueName('inside');
    const r = await http.post('/connectors', { name, config: counterConfig(ref, { 'max.records': '5' }) });
    assert.equal(r.status, 201, r.text);
    created.push(name);
    await waitForStatus(w.url, name, (s) => isRunning(s));
    assert.equal((await http.get(`/connectors/${name}/config`)).body.topic, ref);
    await waitFor(async () => (await readTopic(goodTopic)).length === 5, { message: `5 records in ${goodTopic}` });
  });

  it('without allowed.paths, echoes no value a provider read: per-key errors name the key and the reference', async () => {
    const topicRef = `\${open:${join(open, 'leak.properties')}:topic}`;
    const tasksRef = `\${open:${join(open, 'leak.properties')}:tasks}`;
    const config = { ...counterConfig(topicRef), 'tasks.max': tasksRef };
    const message = await refused(config, 'topic', /Not a valid topic name/);
    assert.ok(message.includes(`Invalid value ${topicRef} for configuration topic`), message);
    assert.ok(message.includes(`Invalid value ${tasksRef} for configuration tasks.max`), message);
    const v = await validateErrors(config, 'tasks.max');
    assert.ok(v.value === null || v.value === tasksRef, `tasks.max shown as ${v.value}`); // null: it did not parse, as in Connect
    assert.deepEqual(v.errors, [`Invalid value ${tasksRef} for configuration tasks.max: Not a number of type INT`]);
    // Whole files: Connect's FileConfigProvider has no such form, but /etc/passwd as a properties file is one too.
    await refused(counterConfig(`\${open:${join(open, 'whole.txt')}}`), 'topic', /Not a valid topic name/);
    await refused(counterConfig('${open:/etc/passwd}'), 'topic', /Not a valid topic name/);
    await refused(counterConfig(`\${open:/etc/passwd:${passwdFirstLine.split(':')[0]}}`), 'topic', /Not a valid topic name/);
    await refused(counterConfig('${open:/proc/self/environ}'), 'topic', /Invalid value \$\{open:\/proc\/self\/environ\} for configuration topic/);
  });

  it('an ${env:…} hostname the database cannot be reached at is not in the error on database.hostname', async () => {
    const config = await mysqlConnectorConfig('db_never_created', uniqueName('p'), { 'database.hostname': '${env:TSCDC_TEST_DB_HOST}' });
    // The driver's error quotes the host it could not reach; the reference stands there instead.
    await refused(config, 'database.hostname', /\$\{env:TSCDC_TEST_DB_HOST\}/);
    const v = await validateErrors({ ...config, name: uniqueName('v') }, 'database.hostname', '/connector-plugins/MySqlConnector/config/validate');
    assert.ok(v.errors.length >= 1 && v.errors.every((e) => e.includes('${env:TSCDC_TEST_DB_HOST}')), v.errors.join('\n'));
    assert.equal(v.value, '${env:TSCDC_TEST_DB_HOST}');
  });

  it('a FAILED task\'s trace and log lines do not quote a resolved value', async () => {
    const name = uniqueName('fails');
    const ref = `\${open:${join(open, 'leak.properties')}:label}`;
    const r = await http.post('/connectors', { name, config: counterConfig(failTopic, { 'fail.at.record': '3', 'fail.message': ref }) });
    assert.equal(r.status, 201, r.text);
    created.push(name);
    const status = await waitForStatus(w.url, name, (s) => s.tasks[0]?.state === 'FAILED');
    const trace: string = status.tasks[0].trace;
    assert.match(trace, /counter reached fail\.at\.record=3: \[hidden\]/);
    assert.deepEqual(leaked(JSON.stringify(status)), [], trace);
    // The fixture logged the value before failing: the line is there, masked.
    await waitFor(() => w.logs().includes('about to fail: [hidden]'), { message: 'the masked log line' });
  });

  it('the whole worker log holds none of the values read', () => {
    const logs = w.logs();
    assert.ok(logs.includes('REST request'), 'the log was captured');
    assert.deepEqual(leaked(logs), []);
  });
});
