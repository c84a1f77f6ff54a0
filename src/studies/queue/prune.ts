import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Pruner } from '../pruning.js';

/**
 * The pruning round trip over Redis. The coordinator owns the Pruner, as the local runner does; a
 * worker asks it after each epoch and waits for the answer before it trains the next one:
 *
 * 1. the worker RPUSHes `{jobId, runId, epoch, history}` on the study's request list;
 * 2. the coordinator BLPOPs it, decides, and stores the decision with HSETNX in the run's decision
 *    hash (field = epoch), then pushes a token on the answer list the worker BLPOPs;
 * 3. the worker reads the decision from the hash.
 *
 * The hash is the single record of what was decided: a worker that resumes a run (its predecessor
 * was killed after the decision) finds the epoch already decided and is not asked again, and a
 * restarted coordinator keeps every decision made before. A worker that gets no answer within its
 * wait (the coordinator is down) claims the epoch with HSETNX as "went on, undecided", so the record
 * and what the run did agree whichever side writes first.
 */

/** What was decided for one run after one epoch. */
export interface PruneVerdict {
  /** Why the run stops, or null: it goes on. */
  reason: string | null;
  /** 'coordinator' decided; 'timeout': no answer within the worker's wait, so the run went on. */
  by: 'coordinator' | 'timeout';
}

/** A worker's question, as it sits on the request list. */
interface PruneRequest {
  jobId: string;
  runId: string;
  epoch: number;
  history: Record<string, number[]>;
}

/** How long an unread answer token lives (the worker that asked may be gone). */
const ANSWER_TTL_MS = 10 * 60_000;

/**
 * The request list of one study output directory (its coordinator is the only reader).
 * @example
 * console.log(pruneRequestsKey('/tmp/out')); // tensile:prune:5a48cd9599aaa65b:requests
 */
export function pruneRequestsKey(out: string): string {
  return `tensile:prune:${createHash('sha256').update(out).digest('hex').slice(0, 16)}:requests`;
}

/**
 * The hash of a run's decisions (field per epoch) and its last reported history (field 'history').
 * @example
 * console.log(decisionsKey('5a48cd9599aaa65b-lstm')); // tensile:prune:5a48cd9599aaa65b-lstm
 */
export function decisionsKey(jobId: string): string {
  return `tensile:prune:${jobId}`;
}

const answerKey = (jobId: string, epoch: number) => `tensile:prune:${jobId}:answer:${epoch}`;

async function storedVerdict(client: Redis, jobId: string, epoch: number): Promise<PruneVerdict | null> {
  const made = await client.hget(decisionsKey(jobId), String(epoch));
  return made === null ? null : (JSON.parse(made) as PruneVerdict);
}

/**
 * Worker side: asks the coordinator whether the run stops after `epoch` and waits up to `waitMs`
 * for the answer (`client` is used for a blocking pop: give it a connection of its own).
 * @example
 * const client = redisClient('redis://127.0.0.1:6379');
 * const history = { loss: [0.9, 0.7] };
 * // Nobody coordinates here: after 0.1 s the run goes on, and the record says why.
 * const verdict = await askCoordinator(client, pruneRequestsKey('/tmp/ex'), 'ex-run', 'run', 2, history, 100);
 * console.log(verdict.reason, verdict.by); // null timeout
 * client.disconnect();
 */
export async function askCoordinator(
  client: Redis,
  requests: string,
  jobId: string,
  runId: string,
  epoch: number,
  history: Record<string, number[]>,
  waitMs: number,
): Promise<PruneVerdict> {
  const made = await storedVerdict(client, jobId, epoch);
  if (made) return made;
  const request: PruneRequest = { jobId, runId, epoch, history };
  await client.rpush(requests, JSON.stringify(request));
  const answered = await client.blpop(answerKey(jobId, epoch), Math.max(0.01, waitMs / 1000));
  if (!answered) {
    const timedOut: PruneVerdict = { reason: null, by: 'timeout' };
    await client.hsetnx(decisionsKey(jobId), String(epoch), JSON.stringify(timedOut));
  }
  // The coordinator may have answered between the timeout and the claim: the hash says who won.
  return (await storedVerdict(client, jobId, epoch))!;
}

/**
 * Coordinator side: answers the workers' requests on `requests` with `pruner` until `stop()`.
 * `blocking` is used only for the blocking pop; `client` for everything else. With `jobIds`, other
 * requests (left on the list by runs that finished before a restart) are dropped unanswered.
 * @example
 * const blocking = redisClient('redis://127.0.0.1:6379');
 * const client = redisClient('redis://127.0.0.1:6379');
 * const requests = pruneRequestsKey('/tmp/ex-served');
 * const service = answerPruneRequests(blocking, client, requests, createPruner('median'));
 * const asking = redisClient('redis://127.0.0.1:6379');
 * // One run alone has no peers: it goes on.
 * const verdict = await askCoordinator(asking, requests, 'ex-served-a', 'a', 2, { loss: [1, 0.5] }, 5000);
 * console.log(verdict.reason, verdict.by); // null coordinator
 * await service.stop();
 * for (const c of [client, asking]) c.disconnect();
 */
export function answerPruneRequests(
  blocking: Redis,
  client: Redis,
  requests: string,
  pruner: Pruner,
  jobIds?: ReadonlySet<string>,
): { stop(): Promise<void> } {
  let stopping = false;
  const answer = async ({ jobId, runId, epoch, history }: PruneRequest) => {
    if (jobIds && !jobIds.has(jobId)) return;
    const key = decisionsKey(jobId);
    if (await storedVerdict(client, jobId, epoch)) pruner.observe(runId, history);
    else {
      const verdict: PruneVerdict = { reason: pruner.decide(runId, epoch, history), by: 'coordinator' };
      await client.hsetnx(key, String(epoch), JSON.stringify(verdict));
    }
    // Kept so that a restarted coordinator counts this run as a peer again (restorePeers).
    await client.hset(key, 'history', JSON.stringify(history), 'runId', runId);
    await client
      .multi()
      .rpush(answerKey(jobId, epoch), '1')
      .pexpire(answerKey(jobId, epoch), ANSWER_TTL_MS)
      .exec();
  };
  const loop = (async () => {
    while (!stopping) {
      let popped: [string, string] | null;
      try {
        popped = await blocking.blpop(requests, 1);
      } catch (e) {
        if (stopping) return; // stop() closed the connection under the pop
        throw e;
      }
      if (!popped) continue;
      const request = JSON.parse(popped[1]) as PruneRequest;
      // One failed answer must not end the service (or the study): that worker times out and goes on.
      await answer(request).catch((e: Error) =>
        process.stderr.write(
          `\n⚠ ${request.runId}: no pruning answer for epoch ${request.epoch}: ${e.message}\n`,
        ),
      );
    }
  })();
  return {
    stop: async () => {
      stopping = true;
      blocking.disconnect();
      await loop;
    },
  };
}

/**
 * Feeds `pruner` the last reported history of each queued run (kept in its decision hash), so a
 * restarted coordinator compares runs against the same peers as before it stopped.
 * @example
 * const client = redisClient('redis://127.0.0.1:6379');
 * const pruner = createPruner('median');
 * await restorePeers(client, pruner, ['no-such-job']); // nothing stored: nothing observed
 * client.disconnect();
 */
export async function restorePeers(client: Redis, pruner: Pruner, jobIds: readonly string[]): Promise<void> {
  for (const jobId of jobIds) {
    const [history, runId] = await client.hmget(decisionsKey(jobId), 'history', 'runId');
    if (history && runId) pruner.observe(runId, JSON.parse(history) as Record<string, number[]>);
  }
}

/**
 * The epochs of a run after which it went on without a decision (the coordinator did not answer).
 * @example
 * const client = redisClient('redis://127.0.0.1:6379');
 * console.log(await undecidedEpochs(client, 'no-such-job')); // []
 * client.disconnect();
 */
export async function undecidedEpochs(client: Redis, jobId: string): Promise<number[]> {
  const all = await client.hgetall(decisionsKey(jobId));
  return Object.entries(all)
    .filter(([field, v]) => /^\d+$/.test(field) && (JSON.parse(v) as PruneVerdict).by === 'timeout')
    .map(([field]) => Number(field))
    .sort((a, b) => a - b);
}
