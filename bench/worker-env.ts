/**
 * Environment for the worker process a bench spawns (the harness passes it only PATH and its CONNECT_* keys):
 * BENCH_WORKER_NODE_OPTIONS becomes its NODE_OPTIONS; MALLOC_* and LD_PRELOAD pass through, to try allocator
 * settings.
 */
export function benchWorkerEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  if (process.env.BENCH_WORKER_NODE_OPTIONS) env.NODE_OPTIONS = process.env.BENCH_WORKER_NODE_OPTIONS;
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && (k.startsWith('MALLOC_') || k === 'LD_PRELOAD')) env[k] = v;
  }
  return env;
}
