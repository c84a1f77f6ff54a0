/**
 * Queue overhead: the same study trained (a) by the local process pool with 2 jobs and (b) over a
 * Redis queue by 2 `tensile worker` processes on this machine, each into its own temporary
 * directory. Prints both wall times, their ratio (queue / local; issue 15 asks for ≤ 1.10), the load
 * average before and after each side, and the CPU model; then checks that every run's history (and
 * pruning record) is identical on both sides, and exits 1 if not.
 *
 * Run: TENSILE_DATA_DIR=../shared/data npx tsx bench/queue-overhead.ts [study] [study flags...]
 *   study        a built-in study or a study module (default: imdb-rnn, with --quick)
 *   study flags  passed to both `tensile study` runs (default --quick when no study is given),
 *                e.g. `--epochs 3 --only lstm,gru` or `--prune median`
 * Example:      npx tsx bench/queue-overhead.ts src/studies/fixtures/tiny-study.ts --epochs 6
 *
 * What is timed: each `tensile study` process from spawn to exit (CLI start, data check, training,
 * report). The local pool forks its two workers inside that window; the queue's two workers are
 * long-lived services, started (and waited for) before the coordinator starts, as a cluster's
 * would be. Both sides run the CLI from source under tsx, so start-up costs match. Queue workers
 * get TENSILE_NATIVE_THREADS=1, as the local pool's worker processes do (one worker per core).
 * With --prune the identity check holds only when both sides train the runs in the same order
 * (runs with equal epoch times, or `--only` one run per job); without pruning it always must.
 * redis-server (Debian package redis-server) is started on a free 127.0.0.1 port, no persistence,
 * and stopped at the end, as are the workers; the temporary directories are removed unless --keep.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Processes, spawnTensile, startRedis } from '../src/studies/queue/test-helpers.js';

const argv = process.argv.slice(2);
const keep = argv.includes('--keep');
const args = argv.filter((a) => a !== '--keep');
const study = args[0] ?? 'imdb-rnn';
const flags = args.length > 1 ? args.slice(1) : args.length === 0 ? ['--quick'] : [];
const started: ChildProcess[] = [];
const redis = new Processes();

/** A `tensile` process (see spawnTensile), remembered so the end of the script can stop it. */
function tensile(cliArgs: string[], env: NodeJS.ProcessEnv = {}) {
  const run = spawnTensile(cliArgs, env);
  started.push(run.child);
  return run;
}

/** Runs one `tensile study` to the end; returns its wall time in seconds (or exits on failure). */
async function timedStudy(label: string, cliArgs: string[]): Promise<number> {
  const before = loadavg()[0]!;
  const t0 = performance.now();
  const run = tensile(['study', study, ...cliArgs, ...flags]);
  const code = await run.exited;
  const seconds = (performance.now() - t0) / 1000;
  if (code !== 0) {
    process.stderr.write(`${label} failed (exit ${code}):\n${run.out.stderr}`);
    cleanUp();
    process.exit(1);
  }
  console.log(
    `${label.padEnd(26)} ${seconds.toFixed(2).padStart(8)} s   load avg (1 min) ${before.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}`,
  );
  return seconds;
}

/** Each run's history and pruning record, as result.json has them. */
function outcomes(out: string): Record<string, unknown> {
  const runs = join(out, 'runs');
  return Object.fromEntries(
    readdirSync(runs)
      .filter((id) => existsSync(join(runs, id, 'result.json')))
      .sort()
      .map((id) => {
        const r = JSON.parse(readFileSync(join(runs, id, 'result.json'), 'utf8'));
        return [id, { history: r.history, pruned: r.pruned ?? null }];
      }),
  );
}

const root = mkdtempSync(join(tmpdir(), 'tensile-queue-overhead-'));
function cleanUp(): void {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  redis.killAll();
  if (!keep) rmSync(root, { recursive: true, force: true });
}

console.log(`CPU: ${cpus()[0]?.model ?? 'unknown'} (${cpus().length} logical)`);
console.log(`study: ${study} ${flags.join(' ')}\n`);
const localOut = join(root, 'local');
const local = await timedStudy('(a) local pool, 2 jobs', ['--out', localOut, '--jobs', '2']);

const url = await startRedis(redis);
const workers = [0, 1].map(() => tensile(['worker', '--queue', url], { TENSILE_NATIVE_THREADS: '1' }));
for (const w of workers)
  for (let t0 = Date.now(); !w.out.stdout.includes('tensile worker: serving'); ) {
    if (Date.now() - t0 > 60_000 || w.child.exitCode !== null)
      throw new Error(`a worker did not start: ${w.out.stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
const queueOut = join(root, 'queue');
const queued = await timedStudy('(b) Redis queue, 2 workers', ['--out', queueOut, '--queue', url]);
console.log(`\nratio queue / local: ${(queued / local).toFixed(3)}`);

const [a, b] = [outcomes(localOut), outcomes(queueOut)];
const differing = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
  (id) => JSON.stringify(a[id]) !== JSON.stringify(b[id]),
);
cleanUp();
if (differing.length > 0) {
  console.log(`histories differ for ${differing.length} run(s): ${differing.join(', ')}`);
  process.exit(1);
}
console.log(`histories identical for all ${Object.keys(a).length} runs`);
