/**
 * Bad requests get Connect's status codes and error bodies with a message that says what is wrong — and
 * change nothing: the stored configs, target states and statuses are the same after as before.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
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

interface Expectation {
  what: string;
  method: string;
  path: string;
  body?: unknown;
  raw?: string;
  contentType?: string;
  status: number;
  /** The exact message, or a pattern it must match. */
  message: string | RegExp;
}

describe('bad REST input', () => {
  let settings: WorkerSettings;
  let w: InProcessWorker;
  let http: ReturnType<typeof api>;
  const topic = uniqueName('bad_out');
  const live = uniqueName('live');
  const stopped = uniqueName('stopped');
  const secret = `pw-${uniqueName('s')}`;

  before(async () => {
    settings = newWorkerSettings('bad_input');
    w = await startInProcessWorker(settings);
    http = api(w.url);
    assert.equal((await http.post('/connectors', { name: live, config: counterConfig(topic, { secret, 'interval.ms': '100' }) })).status, 201);
    assert.equal((await http.post('/connectors', { name: stopped, config: counterConfig(topic), initial_state: 'STOPPED' })).status, 201);
    await waitForStatus(w.url, live, (s) => isRunning(s));
    await waitForStatus(w.url, stopped, (s) => s.connector.state === 'STOPPED');
    // The active-topic record is written once, on the first send; wait for it so it is not a change below.
    await waitFor(async () => (await http.get(`/connectors/${live}/topics`)).body[live].topics.length === 1);
  });

  after(async () => {
    await w?.stop();
    await cleanupWorkerTopics(settings, [topic]);
    await closeTestKafka();
  });

  /** Everything a user can observe about the stored state (task progress aside, which moves on its own). */
  async function snapshot() {
    const expanded = (await http.get('/connectors?expand=info&expand=status')).body;
    for (const c of Object.values<any>(expanded)) for (const t of c.status.tasks) delete t.progress;
    const tasks: Record<string, unknown> = {};
    for (const name of [live, stopped]) tasks[name] = (await http.get(`/connectors/${name}/tasks`)).body;
    const configTopic = (await readTopic(settings.configTopic)).map((r) => [r.key, r.value]);
    return { expanded, tasks, configTopic, stoppedOffsets: (await http.get(`/connectors/${stopped}/offsets`)).body };
  }

  it('answers each bad request with Connect\'s status and body, and changes nothing', async () => {
    const before = await snapshot();
    const fresh = uniqueName('fresh');
    const invalidPrefix = /^Connector configuration is invalid and contains the following \d+ error\(s\):\n/;
    const cases: Expectation[] = [
      { what: 'malformed JSON', method: 'POST', path: '/connectors', raw: '{"name": "x", "config": {', status: 400, message: /^Request body is not valid JSON/ },
      { what: 'not JSON at all', method: 'PUT', path: `/connectors/${live}/config`, raw: 'topic=x', status: 400, message: /^Request body is not valid JSON/ },
      { what: 'form content type', method: 'POST', path: '/connectors', raw: 'name=x', contentType: 'application/x-www-form-urlencoded', status: 415, message: 'HTTP 415 Unsupported Media Type' },
      { what: 'array body', method: 'POST', path: '/connectors', body: [], status: 400, message: /must be a JSON object/ },
      { what: 'empty body', method: 'POST', path: '/connectors', raw: '', status: 400, message: /must be a JSON object/ },
      { what: 'no config', method: 'POST', path: '/connectors', body: { name: fresh }, status: 400, message: /"config"/ },
      { what: 'config value is an object', method: 'POST', path: '/connectors', body: { name: fresh, config: { ...counterConfig(topic), topic: { a: 1 } } }, status: 400, message: /"topic" must be a string/ },
      {
        what: 'misspelt key: the required key is missing', method: 'POST', path: '/connectors',
        body: { name: fresh, config: { 'connector.class': 'test.CounterSource', topik: topic } }, status: 400,
        message: new RegExp(`${invalidPrefix.source}(?=[\\s\\S]*Missing required configuration "topic" which has no default value\\.)`),
      },
      {
        what: 'bad value', method: 'POST', path: '/connectors', body: { name: fresh, config: counterConfig(topic, { 'tasks.max': 'abc' }) }, status: 400,
        message: /Invalid value abc for configuration tasks\.max: Not a number of type INT/,
      },
      {
        what: 'unknown plugin', method: 'POST', path: '/connectors', body: { name: fresh, config: { 'connector.class': 'no.such.Connector', topic } }, status: 400,
        message: /^Failed to find any class that implements Connector and which name matches no\.such\.Connector, available connectors are: .*test\.CounterSource/,
      },
      { what: 'no connector.class', method: 'POST', path: '/connectors', body: { name: fresh, config: { topic, secret } }, status: 400, message: /contains no connector type$/ },
      { what: 'empty name', method: 'POST', path: '/connectors', body: { name: '  ', config: counterConfig(topic) }, status: 400, message: /configuration name: String may not be empty/ },
      { what: 'bad initial_state', method: 'POST', path: '/connectors', body: { name: fresh, config: counterConfig(topic), initial_state: 'SLEEPING' }, status: 400, message: /initial_state/ },
      { what: 'duplicate name', method: 'POST', path: '/connectors', body: { name: live, config: counterConfig(topic) }, status: 409, message: `Connector ${live} already exists` },
      { what: 'update with a bad value', method: 'PUT', path: `/connectors/${live}/config`, body: counterConfig(topic, { 'batch.size': 'three' }), status: 400, message: invalidPrefix },
      { what: 'update with null value', method: 'PUT', path: `/connectors/${live}/config`, body: counterConfig(topic, { 'batch.size': null as unknown as string }), status: 400, message: /Null value can not be supplied as the configuration value\./ },
      { what: 'name mismatch', method: 'PUT', path: `/connectors/${live}/config`, body: { ...counterConfig(topic), name: 'other' }, status: 400, message: `Connector name configuration (other) doesn't match connector name in the URL (${live})` },
      { what: 'patch to a bad value', method: 'PATCH', path: `/connectors/${live}/config`, body: { 'tasks.max': '0' }, status: 400, message: /Invalid value 0 for configuration tasks\.max: Value must be at least 1/ },
      { what: 'mask without a stored secret', method: 'POST', path: '/connectors', body: { name: fresh, config: counterConfig(topic, { secret: '[hidden]' }) }, status: 400, message: /no value is stored for it/ },
      { what: 'offsets reset while running', method: 'DELETE', path: `/connectors/${live}/offsets`, status: 400, message: /^Connectors must be in the STOPPED state/ },
      { what: 'offsets body not a list', method: 'PATCH', path: `/connectors/${stopped}/offsets`, body: { offsets: 'all' }, status: 400, message: /"offsets" must be an array/ },
      { what: 'offsets body empty', method: 'PATCH', path: `/connectors/${stopped}/offsets`, body: {}, status: 400, message: 'Partitions / offsets need to be provided for an alter offsets request' },
      { what: 'offset not an object', method: 'PATCH', path: `/connectors/${stopped}/offsets`, body: { offsets: [{ partition: { source: stopped }, offset: 5 }] }, status: 400, message: /must be JSON objects or null/ },
      { what: 'restart unknown connector', method: 'POST', path: `/connectors/${fresh}/restart?includeTasks=true`, status: 404, message: `Connector ${fresh} not found` },
      { what: 'restart unknown task', method: 'POST', path: `/connectors/${live}/tasks/9/restart`, status: 404, message: `Task ${live}-9 not found` },
      { what: 'task restart on a stopped connector', method: 'POST', path: `/connectors/${stopped}/tasks/0/restart`, status: 404, message: `Task ${stopped}-0 not found` },
      { what: 'status of unknown connector', method: 'GET', path: `/connectors/${fresh}/status`, status: 404, message: `Connector ${fresh} not found` },
      { what: 'validate with a non-object', method: 'PUT', path: '/connector-plugins/CounterSource/config/validate', body: 'x', status: 400, message: /must be a JSON object/ },
      { what: 'validate unknown plugin', method: 'PUT', path: '/connector-plugins/Nope/config/validate', body: { 'connector.class': 'Nope' }, status: 400, message: /^Failed to find any class that implements Connector/ },
    ];

    for (const c of cases) {
      const r = await http.request(c.method, c.path, c.body, { raw: c.raw, contentType: c.contentType });
      assert.equal(r.status, c.status, `${c.what}: status (${r.text})`);
      assert.deepEqual(Object.keys(r.body ?? {}).sort(), ['error_code', 'message'], `${c.what}: Connect's error body (${r.text})`);
      assert.equal(r.body.error_code, c.status, `${c.what}: error_code`);
      if (typeof c.message === 'string') assert.equal(r.body.message, c.message, c.what);
      else assert.match(r.body.message, c.message, c.what);
      assert.ok(!r.text.includes(secret), `${c.what}: the secret is not echoed`);
    }

    assert.deepEqual(await snapshot(), before, 'stored state after == before');
    assert.equal((await http.get(`/connectors/${fresh}`)).status, 404, 'no connector was half-created');
    assert.ok(!w.logs().includes(secret), 'the secret is not in the log');
  });
});
