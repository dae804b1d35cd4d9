/** `tscdc standalone worker.properties connector files...` as a real child process, for the standalone tests. */
import { spawn } from 'node:child_process';
import { CLI } from '../../scripts/testbed/worker.js';
import { repoRoot } from '../../scripts/testbed/env.js';
import { waitFor } from './services.js';

export interface Standalone {
  url: string;
  output(): string;
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/** Spawns `tscdc standalone` with the files, without waiting for it to start. */
export function spawnStandalone(files: string[]): { child: ReturnType<typeof spawn>; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, 'standalone', ...files], { cwd: repoRoot(), env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Spawns `tscdc standalone` with the files; resolves with its REST URL once started, or rejects with its output. */
export async function startStandalone(files: string[]): Promise<Standalone> {
  const { child, output, exited } = spawnStandalone(files);
  let gone = false;
  void exited.then(() => (gone = true));
  const started = await waitFor(() => {
    if (gone) throw new Error(`standalone worker exited during startup:\n${output()}`);
    for (const line of output().split('\n')) {
      if (!line.includes('standalone worker started')) continue;
      return JSON.parse(line) as { url: string };
    }
    return undefined;
  }, { timeoutMs: 90_000, message: 'standalone worker to start' }).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n--- output ---\n${output()}`);
  });
  return {
    url: started.url,
    output,
    exited,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
