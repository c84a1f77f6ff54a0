import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { TensileError } from '../../errors.js';
import { StudyProgress } from '../progress.js';
import { createPruner, type Pruner } from '../pruning.js';
import type { StudyRef } from '../registry.js';
import { readResult, runDir, writeFileAtomic, writeResult } from '../run-store.js';
import { defaultSummary, selectRuns, writeStudyReport } from '../runner.js';
import type { RunProgress, RunResult, RunSpec, Study, StudyOptions } from '../types.js';
import { checkRedis, QUEUE_NAME, redisClient, runJobId } from './connection.js';
import type { RunJobData, RunJobResult } from './protocol.js';
import {
  answerPruneRequests,
  decisionsKey,
  pruneRequestsKey,
  restorePeers,
  undecidedEpochs,
} from './prune.js';

/** Writes what a worker sent back into the run's directory, as a local run would have left it. */
function saveRun(out: string, { result, files }: RunJobResult): void {
  const dir = runDir(out, result.id);
  for (const [name, base64] of Object.entries(files)) {
    // The names come from another machine: only plain relative paths inside the run directory.
    if (name.startsWith('/') || name.split('/').some((part) => part === '..' || part === ''))
      throw new TensileError(
        `run '${result.id}': the worker sent a file named '${name}', outside its run directory`,
      );
    writeFileAtomic(join(dir, ...name.split('/')), Buffer.from(base64, 'base64'));
  }
  writeResult(out, result);
}

/**
 * Puts each pending run on the queue, in order (one worker then trains them in the order the
 * local pool would), or finds the job an earlier session queued. A new job starts with no pruning
 * decisions; a job found again keeps its decisions, and its last history counts as a peer again.
 */
async function enqueue(
  queue: Queue<RunJobData, RunJobResult>,
  client: Redis,
  pending: RunSpec[],
  {
    study,
    opts,
    pruner,
    requests,
  }: { study: StudyRef; opts: StudyOptions; pruner: Pruner | null; requests: string },
): Promise<[RunSpec, Job<RunJobData, RunJobResult>][]> {
  const jobs: [RunSpec, Job<RunJobData, RunJobResult>][] = [];
  for (const run of pending) {
    const jobId = runJobId(opts.out, run.id);
    let job = await queue.getJob(jobId);
    // A run that failed in an earlier session is tried again, like a local re-run.
    if (job && (await job.isFailed())) {
      await job.remove();
      job = undefined;
    }
    if (job) {
      if (pruner) await restorePeers(client, pruner, [jobId]);
    } else {
      await client.del(decisionsKey(jobId));
      const data: RunJobData = { study, run, opts, ...(pruner ? { pruneRequests: requests } : {}) };
      job = await queue.add(run.id, data, { jobId, attempts: 1 });
    }
    jobs.push([run, job]);
  }
  return jobs;
}

/** Says, in the study's log, after which epochs a run went on because no pruning decision came. */
async function warnUndecided(client: Redis, jobId: string, runId: string): Promise<void> {
  const epochs = await undecidedEpochs(client, jobId);
  if (epochs.length > 0)
    process.stderr.write(
      `\n⚠ ${runId}: went on unpruned after epoch(s) ${epochs.join(', ')}: its worker got no pruning decision in time (coordinator down)\n`,
    );
}

/**
 * runStudy over a BullMQ queue: puts every unfinished run on the queue at `url`, waits for workers
 * (`tensile worker --queue`) to train them, writes their results into `opts.out` and the report.
 * Restarted with the same `opts.out`, it skips finished runs and waits for the queued ones.
 * Run by `tensile study <study> --queue <url>`; queue.test.ts runs it through the CLI with workers.
 */
export async function runStudyOnQueue(
  url: string,
  ref: StudyRef,
  study: Study,
  opts: StudyOptions,
): Promise<RunResult[]> {
  await checkRedis(url);
  const specs = selectRuns(study.runs(opts), study.groups?.(opts) ?? {}, opts.only);
  mkdirSync(opts.out, { recursive: true });
  writeFileAtomic(
    join(opts.out, 'study.json'),
    JSON.stringify({ study: ref, name: study.name, options: opts, runs: specs, queue: url }, null, 1),
  );
  const epochsOf = (r: RunSpec) => Number(r.params.epochs ?? 1);
  const pending = specs.filter((r) => readResult(opts.out, r.id) === null);
  const progress = new StudyProgress(
    specs.length,
    pending.reduce((n, r) => n + epochsOf(r), 0),
    pending.length,
  );
  for (const r of specs) if (!pending.includes(r)) progress.skipped(r.id);

  // Queue, queue events, the prune service's blocking pop and its other commands.
  const clients = [redisClient(url), redisClient(url), redisClient(url), redisClient(url)] as const;
  const queue = new Queue<RunJobData, RunJobResult>(QUEUE_NAME, { connection: clients[0] });
  const events = new QueueEvents(QUEUE_NAME, { connection: clients[1] });
  const pruner = opts.prune ? createPruner(opts.prune) : null;
  const requests = pruneRequestsKey(opts.out);
  let pruning: { stop(): Promise<void> } | null = null;
  const failures: string[] = [];
  try {
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    const byJob = new Map(pending.map((r) => [runJobId(opts.out, r.id), r]));
    events.on('progress', ({ jobId, data }) => {
      if (byJob.has(jobId) && typeof data === 'object') progress.update(data as unknown as RunProgress);
    });
    const jobs = await enqueue(queue, clients[3], pending, { study: ref, opts, pruner, requests });
    if (pruner) {
      // Runs finished in an earlier session still count as peers for the pruner, as in runStudy.
      for (const r of specs)
        if (!pending.includes(r)) pruner.observe(r.id, readResult(opts.out, r.id)!.history);
      pruning = answerPruneRequests(clients[2], clients[3], requests, pruner, new Set(byJob.keys()));
    }
    await Promise.all(
      jobs.map(async ([run, job]) => {
        progress.started(epochsOf(run));
        try {
          const sent = (await job.waitUntilFinished(events)) as RunJobResult;
          await warnUndecided(clients[3], job.id!, run.id);
          saveRun(opts.out, sent);
          progress.done(sent.result, study.summarize?.(sent.result) ?? defaultSummary(sent.result));
          await job.remove();
          await clients[3].del(decisionsKey(job.id!));
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          failures.push(run.id);
          process.stderr.write(`\n✗ ${run.id}: failed in its worker: ${message}\n`);
        }
      }),
    );
    if (pruner) await clients[3].del(requests);
  } finally {
    await pruning?.stop();
    await Promise.all([events.close(), queue.close()]);
    for (const c of clients) c.disconnect();
  }
  if (failures.length > 0)
    throw new TensileError(
      `${failures.length} run(s) failed (${failures.join(', ')}); re-run the same command to retry them`,
    );
  const results = specs.map((r) => readResult(opts.out, r.id)!);
  await writeStudyReport(study, opts.out, results);
  return results;
}
