import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { TensileError } from '../../errors.js';
import { StudyProgress } from '../progress.js';
import type { StudyRef } from '../registry.js';
import { readResult, runDir, writeFileAtomic, writeResult } from '../run-store.js';
import { defaultSummary, selectRuns, writeStudyReport } from '../runner.js';
import type { RunProgress, RunResult, RunSpec, Study, StudyOptions } from '../types.js';
import { checkRedis, QUEUE_NAME, redisClient, runJobId } from './connection.js';
import type { RunJobData, RunJobResult } from './protocol.js';

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

  const clients = [redisClient(url), redisClient(url)] as const;
  const queue = new Queue<RunJobData, RunJobResult>(QUEUE_NAME, { connection: clients[0] });
  const events = new QueueEvents(QUEUE_NAME, { connection: clients[1] });
  const failures: string[] = [];
  try {
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    const byJob = new Map(pending.map((r) => [runJobId(opts.out, r.id), r]));
    events.on('progress', ({ jobId, data }) => {
      if (byJob.has(jobId) && typeof data === 'object') progress.update(data as unknown as RunProgress);
    });
    await Promise.all(
      pending.map(async (run) => {
        const jobId = runJobId(opts.out, run.id);
        let job = await queue.getJob(jobId);
        // A run that failed in an earlier session is tried again, like a local re-run.
        if (job && (await job.isFailed())) {
          await job.remove();
          job = undefined;
        }
        job ??= await queue.add(run.id, { study: ref, run, opts }, { jobId, attempts: 1 });
        progress.started(epochsOf(run));
        try {
          const sent = (await job.waitUntilFinished(events)) as RunJobResult;
          saveRun(opts.out, sent);
          progress.done(sent.result, study.summarize?.(sent.result) ?? defaultSummary(sent.result));
          await job.remove();
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          failures.push(run.id);
          process.stderr.write(`\n✗ ${run.id}: failed in its worker: ${message}\n`);
        }
      }),
    );
  } finally {
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
