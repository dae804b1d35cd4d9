#!/usr/bin/env node
/**
 * `tscdc [worker.properties] [--pretty]` — runs a worker (distributed: configs, offsets and statuses in Kafka).
 * `tscdc standalone worker.properties connector.properties|json ...` — one standalone worker (offsets in a file). Settings come from the properties file and
 * `CONNECT_*` environment variables (env wins), as in Kafka Connect's container image.
 * Logs are JSON lines; `--pretty` (or `log.format=pretty`) prints them for a human.
 * SIGTERM/SIGINT: stop the tasks (delivering what they queued and committing offsets), then exit 0.
 */
import { CdcError } from './errors/index.js';
import { createLogger } from './logging/index.js';
import { hashPassword } from './rest/credentials.js';
import { loadWorkerConfig, readConnectorFiles, startStandaloneWorker, startWorker, type ConnectorFile, type Worker, type WorkerConfig } from './worker/index.js';

const USAGE = `usage: tscdc [worker.properties] [--pretty]
       tscdc standalone worker.properties connector.properties|.json [...] [--pretty]
       tscdc hash-password < password    (prints a SCRYPT:... password for rest.auth.basic.file)

Runs a Kafka Connect-compatible CDC worker. Settings come from the properties file and
CONNECT_* environment variables (CONNECT_BOOTSTRAP_SERVERS -> bootstrap.servers; env wins).
Standalone: no group or internal topics; connectors from the files, offsets in offset.storage.file.filename.`;

function fail(message: string, code: number): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function describe(err: unknown): string {
  return err instanceof CdcError ? err.describe() : err instanceof Error ? err.message : String(err);
}

/** The Kafka client needs Node 24 LTS's runtime (Promise.withResolvers, zlib zstd); say so instead of failing later. */
const NODE_MAJOR_REQUIRED = 24;

async function main(argv: string[]): Promise<void> {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < NODE_MAJOR_REQUIRED) {
    fail(`tscdc: Node.js ${NODE_MAJOR_REQUIRED} or newer is required (this is ${process.version}); in a checkout, \`. scripts/use-node.sh\` installs and selects it.`, 2);
  }
  if (argv[0] === 'hash-password') {
    // From standard input, not an argument, so the password stays out of the shell history and `ps`.
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    const password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
    if (password === '') fail('tscdc hash-password: give the password on standard input', 2);
    process.stdout.write(`${await hashPassword(password)}\n`);
    return;
  }
  const standalone = argv[0] === 'standalone';
  const args = standalone ? argv.slice(1) : argv;
  const flags = args.filter((a) => a.startsWith('-'));
  const files = args.filter((a) => !a.startsWith('-'));
  if (flags.includes('--help') || flags.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const unknown = flags.filter((f) => f !== '--pretty');
  if (unknown.length > 0 || (standalone ? files.length < 2 : files.length > 1)) fail(USAGE, 2);

  let config: WorkerConfig;
  try {
    config = loadWorkerConfig({ file: files[0], env: process.env, mode: standalone ? 'standalone' : 'distributed' });
  } catch (err) {
    fail(`tscdc: invalid worker configuration: ${describe(err)}`, 2);
  }
  let connectorFiles: ConnectorFile[] = [];
  try {
    if (standalone) connectorFiles = readConnectorFiles(files.slice(1));
  } catch (err) {
    fail(`tscdc: invalid connector file: ${describe(err)}`, 2);
  }

  const logger = createLogger({ level: config.logLevel, pretty: flags.includes('--pretty') || config.logFormat === 'pretty' });
  for (const [key, why] of Object.entries(config.warnings)) logger.warn({ key }, `worker setting ${key} has no effect: ${why}`);

  let worker: Worker;
  try {
    worker = standalone ? await startStandaloneWorker(config, connectorFiles, { logger }) : await startWorker(config, { logger });
  } catch (err) {
    logger.fatal({ err: describe(err) }, 'worker failed to start');
    logger.flush();
    process.exit(1);
  }

  let signals = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: exiting without waiting for tasks');
      logger.flush();
      process.exit(1);
    }
    logger.info({ signal }, 'shutting down');
    worker.stop().then(
      () => {
        logger.flush();
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err: describe(err) }, 'shutdown failed');
        logger.flush();
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main(process.argv.slice(2)).catch((err: unknown) => fail(`tscdc: ${describe(err)}`, 1));
