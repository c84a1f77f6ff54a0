import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { type Job, Worker } from 'bullmq';
import { setBackend } from '../../backend/select.js';
import { executeRun } from '../execute.js';
import { loadStudy } from '../registry.js';
import type { PruneCheck } from '../training-support.js';
import type { RunProgress } from '../types.js';
import { checkRedis, QUEUE_NAME, redisClient } from './connection.js';
import type { RunJobData, RunJobResult } from './protocol.js';
import { askCoordinator } from './prune.js';

/** Files of a run directory that are resume state, not results. */
const RESUME_FILES = new Set(['last.keras', 'partial.json']);

/** Worker settings; the lock times decide how soon a dead worker's run moves to another worker. */
export interface ServeOptions {
  concurrency?: number;
  /** A job whose worker stops renewing its lock for this long is taken by another worker. */
  lockMs?: number;
  /** How long a run waits for the coordinator's pruning decision before going on unpruned. */
  pruneWaitMs?: number;
  log?: (line: string) => void;
}

/**
 * The prune check of a queued run: asks the coordinator over Redis (prune.ts) on a connection of
 * its own (the wait is a blocking pop); `close` ends that connection.
 */
function pruneCheckFor(
  job: Job<RunJobData, RunJobResult>,
  url: string,
  waitMs: number,
  log: (line: string) => void,
): { check: PruneCheck | undefined; close(): void } {
  const requests = job.data.pruneRequests;
  if (!requests) return { check: undefined, close: () => {} };
  const client = redisClient(url);
  const runId = job.data.run.id;
  const check: PruneCheck = async (epoch, history) => {
    const verdict = await askCoordinator(client, requests, job.id!, runId, epoch, history, waitMs);
    if (verdict.by === 'timeout')
      log(
        `${runId}: no pruning decision for epoch ${epoch} within ${waitMs / 1000} s (coordinator down?); going on unpruned`,
      );
    else if (verdict.reason) log(`${runId}: pruned after epoch ${epoch}: ${verdict.reason}`);
    return verdict.reason;
  };
  return { check, close: () => client.disconnect() };
}

/** Trains one queued run in a scratch directory, resuming from the checkpoint its job carries. */
async function trainJob(
  job: Job<RunJobData, RunJobResult>,
  url: string,
  options: ServeOptions,
  log: (line: string) => void,
): Promise<RunJobResult> {
  const { run, opts } = job.data;
  if (opts.backend) setBackend(opts.backend);
  const study = await loadStudy(job.data.study);
  const dir = mkdtempSync(join(tmpdir(), 'tensile-worker-'));
  const prune = pruneCheckFor(job, url, options.pruneWaitMs ?? 60_000, log);
  try {
    let saved = job.data.checkpoint?.epochs ?? 0;
    if (job.data.checkpoint) {
      writeFileSync(join(dir, 'last.keras'), Buffer.from(job.data.checkpoint.model, 'base64'));
      writeFileSync(join(dir, 'partial.json'), job.data.checkpoint.partial);
      log(`${run.id}: resuming after epoch ${saved}`);
    } else log(`${run.id}: starting`);
    let uploads: Promise<unknown> = Promise.resolve();
    let lastSent = 0;
    const progress = (p: RunProgress) => {
      // The first batch of an epoch comes after the previous epoch's checkpoint was written.
      if (p.batch === 1 && p.epoch > saved) {
        saved = p.epoch;
        const checkpoint = {
          epochs: p.epoch,
          model: readFileSync(join(dir, 'last.keras')).toString('base64'),
          partial: readFileSync(join(dir, 'partial.json'), 'utf8'),
        };
        const epoch = p.epoch;
        uploads = uploads
          .then(() => job.updateData({ ...job.data, checkpoint }))
          .then(() => log(`${run.id}: epoch ${epoch} checkpoint saved`));
      }
      const now = Date.now();
      if (p.batch === 0 || now - lastSent > 250) {
        lastSent = now;
        uploads = uploads.then(() => job.updateProgress({ ...p }));
      }
    };
    const result = await executeRun(study, run, dir, opts, { progress, shouldPrune: prune.check });
    await uploads;
    const files: Record<string, string> = {};
    // Subdirectories too (TensorBoard's train/ and validation/ logs, say); paths use '/'.
    for (const name of readdirSync(dir, { recursive: true }) as string[]) {
      const path = join(dir, name);
      if (RESUME_FILES.has(name) || name.includes('.tmp-') || !statSync(path).isFile()) continue;
      files[name.split(sep).join('/')] = readFileSync(path).toString('base64');
    }
    return { result, files };
  } finally {
    prune.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Takes runs off the queue at `url` and trains them until `stop()` is called; resolves once
 * connected. A run that fails (say, its study module does not load) fails its job with the message.
 * @example
 * const worker = await serveQueue('redis://127.0.0.1:6379', { concurrency: 1 });
 * await worker.stop();
 */
export async function serveQueue(
  url: string,
  options: ServeOptions = {},
): Promise<{ stop(): Promise<void> }> {
  await checkRedis(url);
  const log = options.log ?? ((line: string) => console.log(line));
  const lockDuration = options.lockMs ?? 30_000;
  const client = redisClient(url);
  const worker = new Worker<RunJobData, RunJobResult>(QUEUE_NAME, (job) => trainJob(job, url, options, log), {
    connection: client,
    concurrency: options.concurrency ?? 1,
    lockDuration,
    stalledInterval: lockDuration,
    // A run is retried on another worker each time its worker dies; a real error fails it at once.
    maxStalledCount: 10,
  });
  // Logged once BullMQ has recorded the completion: an attempt that lost its lock (its run was
  // taken over) cannot complete, so each run is "done" exactly once across all workers.
  worker.on('completed', (job) => log(`${job.data.run.id}: done`));
  worker.on('failed', (job, e) => log(`${job?.data.run.id ?? '?'}: failed: ${e.message}`));
  worker.on('error', (e) => log(`worker error: ${e.message}`));
  await worker.waitUntilReady();
  return {
    stop: async () => {
      await worker.close();
      client.disconnect();
    },
  };
}
