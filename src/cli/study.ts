import { rmdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { setBackend } from '../backend/select.js';
import { startDashboard } from '../dashboard/server.js';
import { ValueError } from '../errors.js';
import { checkStudyData } from '../studies/data-check.js';
import { loadStudy, runStudy, studyRef } from '../studies/index.js';
import { lockStudyDir } from '../studies/lock.js';
import { PRUNE_MODES, type PruneMode } from '../studies/pruning.js';
import { checkRedis } from '../studies/queue/connection.js';
import { runStudyOnQueue } from '../studies/queue/coordinate.js';
import type { StudyOptions } from '../studies/types.js';
import { takeDashboardFlags } from './dashboard.js';

export const STUDY_HELP = `Usage: tensile study <imdb-rnn|batchnorm|./my-study.ts> [options]

A study module exports a study made with defineStudy (see README, "Writing a study").

Options:
  --out <dir>        output directory (default runs/<study>-<timestamp>); re-using one resumes it
  --seed <n>         random seed (default 42)
  --backend <name>   backend to train on (default: the fastest that loads)
  --only <names>     comma-separated run ids or experiment names
  --epochs <n>       override every run's epoch budget
  --jobs <n>         parallel worker processes (default: one per core)
  --quick            a small subset of the data and 2 epochs (smoke test)
  --verbose          print stack traces with errors (also: DEBUG=1)
  --prune <rule>     stop runs clearly worse than their peers at the same epoch: median or asha
                     (with --queue too: this process decides, workers ask it after each epoch)
  --queue <url>      put the runs on a Redis queue (redis://host:port) for \`tensile worker\`s
  --dashboard        serve the live dashboard while the study runs (--port <n>, default 6070;
                     --host <addr>, default 127.0.0.1); see also \`tensile dashboard <dir>\`
Every run also writes TensorBoard event files: tensorboard --logdir <out>/runs
Data: TENSILE_DATA_DIR, else ~/.tensile/datasets, else downloaded.
`;

function timestamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
}

function pruneMode(v: string): PruneMode {
  const mode = PRUNE_MODES.find((m) => m === v);
  if (!mode) throw new ValueError(`--prune must be one of ${PRUNE_MODES.join(', ')}, got '${v}'`);
  return mode;
}

export function parseStudyArgs(name: string, argv: readonly string[]): StudyOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      out: { type: 'string' },
      seed: { type: 'string', default: '42' },
      backend: { type: 'string' },
      only: { type: 'string' },
      epochs: { type: 'string' },
      jobs: { type: 'string' },
      quick: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      prune: { type: 'string' },
    },
  });
  const int = (flag: string, v: string | undefined, min: number) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min)
      throw new ValueError(`--${flag} must be an integer ≥ ${min}, got '${v}'`);
    return n;
  };
  return {
    out: resolve(values.out ?? join('runs', `${name}-${timestamp()}`)),
    seed: int('seed', values.seed, 0)!,
    backend: values.backend,
    only: values.only
      ? values.only
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [],
    epochs: int('epochs', values.epochs, 1),
    quick: values.quick ?? false,
    jobs: int('jobs', values.jobs, 1) ?? availableParallelism(),
    ...(values.prune !== undefined ? { prune: pruneMode(values.prune) } : {}),
  };
}

/** Splits `--queue <url>` (or `--queue=<url>`) off the study flags. */
export function takeQueueFlag(argv: readonly string[]): { queue: string | undefined; rest: string[] } {
  const rest: string[] = [];
  let queue: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--queue') {
      queue = argv[++i];
      if (!queue) throw new ValueError('--queue needs a redis://host:port URL');
    } else if (a.startsWith('--queue=')) queue = a.slice('--queue='.length);
    else rest.push(a);
  }
  return { queue, rest };
}

export async function studyCommand(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help') {
    process.stdout.write(STUDY_HELP);
    return name ? 0 : 2;
  }
  const ref = studyRef(name);
  const study = await loadStudy(ref);
  const { queue, rest: afterQueue } = takeQueueFlag(rest);
  const { rest: studyArgs, dashboard } = takeDashboardFlags(afterQueue);
  const opts = parseStudyArgs(study.name, studyArgs);
  if (queue) await checkRedis(queue); // before the lock: an unreachable server leaves nothing behind
  if (opts.backend) setBackend(opts.backend);
  // Fail fast, once, in this process: a busy or unwritable --out, then missing or damaged data.
  const release = lockStudyDir(opts.out);
  try {
    await checkStudyData(study, opts);
  } catch (e) {
    release();
    try {
      rmdirSync(opts.out); // only if this attempt left it empty
    } catch {}
    throw e;
  }
  console.log(`${study.title}: writing to ${opts.out}`);
  const t0 = performance.now();
  const server = dashboard ? await startDashboard({ root: opts.out, ...dashboard }) : null;
  if (server) console.log(`Dashboard: ${server.url}`);
  try {
    await (queue ? runStudyOnQueue(queue, ref, study, opts) : runStudy(ref, study, opts));
  } finally {
    await server?.close();
    release();
  }
  console.log(`done in ${((performance.now() - t0) / 1000).toFixed(0)} s: ${join(opts.out, 'report.html')}`);
  return 0;
}
