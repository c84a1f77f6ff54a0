import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractExamples, runExampleAsync } from '../../test-utils/doc-examples.js';
import { createPruner, MedianPruner } from '../pruning.js';
import type { RunResult } from '../types.js';
import { redisClient } from './connection.js';
import * as prune from './prune.js';
import { answerPruneRequests, askCoordinator, decisionsKey, restorePeers, undecidedEpochs } from './prune.js';
import { Processes, startRedis, tensile as startTensile, until } from './test-helpers.js';

// Pruning over the queue against a real redis-server: the round trip itself, then the CLI (a
// coordinator with --prune and `tensile worker`s) against the local pool on the same study.
const tiny = fileURLToPath(new URL('../fixtures/tiny-study.ts', import.meta.url));
const slowTiny = fileURLToPath(new URL('../fixtures/slow-tiny-study.ts', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'tensile-qprune-'));
const processes = new Processes();
const tensile = (args: string[], env: NodeJS.ProcessEnv = {}) => startTensile(processes, args, env);
const clients: Redis[] = [];
let url = '';
const client = () => {
  const c = redisClient(url);
  clients.push(c);
  return c;
};

function results(out: string): Record<string, RunResult> {
  return Object.fromEntries(
    readdirSync(join(out, 'runs')).map((id) => [
      id,
      JSON.parse(readFileSync(join(out, 'runs', id, 'result.json'), 'utf8')) as RunResult,
    ]),
  );
}

beforeAll(async () => {
  url = await startRedis(processes);
});

afterAll(() => {
  for (const c of clients) c.disconnect();
  processes.killAll();
  rmSync(root, { recursive: true, force: true });
});

describe('prune.ts doc examples run (against the test server)', () => {
  const exports = { ...prune, redisClient, createPruner } as Record<string, unknown>;
  const examples = extractExamples([fileURLToPath(new URL('./prune.ts', import.meta.url))]);
  it('finds the examples', () => expect(examples.length).toBe(6));
  for (const ex of examples) {
    it(ex.symbol.slice(0, 60), { timeout: 30_000 }, async () => {
      const code = `import { ${Object.keys(exports).join(', ')} } from 'tensile';\n${ex.code.replaceAll('redis://127.0.0.1:6379', url)}`;
      await runExampleAsync({ ...ex, code }, exports);
    });
  }
});

describe('the pruning round trip over Redis', () => {
  const h = (valLoss: number[]) => ({ loss: valLoss, val_loss: valLoss });

  it('decides like the Pruner, and a decision once made is what every later ask gets', async () => {
    const requests = 'test:decided:requests';
    const service = answerPruneRequests(client(), client(), requests, new MedianPruner());
    const worker = client();
    const ask = (job: string, epoch: number, history: Record<string, number[]>, waitMs = 5000) =>
      askCoordinator(worker, requests, job, job, epoch, history, waitMs);
    expect(await ask('a', 2, h([0.5, 0.4]))).toEqual({ reason: null, by: 'coordinator' });
    expect(await ask('b', 2, h([0.6, 0.5]))).toEqual({ reason: null, by: 'coordinator' });
    // Peers at epoch 2: 0.4 and 0.5 → median 0.45; best so far 0.9 is worse.
    const pruned = {
      reason: 'best val_loss 0.9000 is worse than the median 0.4500 of 2 other runs at epoch 2',
      by: 'coordinator',
    };
    expect(await ask('c', 2, h([0.9, 0.95]))).toEqual(pruned);
    await service.stop();
    // A worker that resumes 'c' (its first worker was killed after the decision) asks again with
    // nobody answering: it gets the stored decision at once, not a timeout.
    const t0 = Date.now();
    expect(await ask('c', 2, h([0.9, 0.95]), 3000)).toEqual(pruned);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(await worker.llen(requests)).toBe(0);

    // A restarted coordinator gets the runs' last histories back as peers: 'd' has three (a, b, c).
    const pruner = new MedianPruner();
    await restorePeers(worker, pruner, ['a', 'b', 'c', 'unknown']);
    expect(pruner.decide('d', 2, h([0.3, 0.45]))).toBeNull();
    // Peers of 'e' at epoch 2: a 0.4, b 0.5, c 0.95, d 0.45 → median (0.45 + 0.5) / 2 = 0.475.
    expect(pruner.decide('e', 2, h([0.7, 0.7]))).toContain('median 0.4750 of 4 other runs');
  });

  it('with the coordinator down the run goes on after the wait, and a late answer cannot undo that', async () => {
    const requests = 'test:down:requests';
    const worker = client();
    const t0 = Date.now();
    const verdict = await askCoordinator(worker, requests, 'late', 'late', 3, h([1, 1, 1]), 300);
    expect(verdict).toEqual({ reason: null, by: 'timeout' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(await undecidedEpochs(worker, 'late')).toEqual([3]);
    // The coordinator comes back and finds the request: it would prune (two better peers), but the
    // epoch is already recorded as "went on", which is what the run did.
    const pruner = new MedianPruner();
    pruner.observe('p', h([0.1, 0.1, 0.1]));
    pruner.observe('q', h([0.2, 0.2, 0.2]));
    const service = answerPruneRequests(client(), client(), requests, pruner);
    for (let t = 0; (await worker.llen(requests)) > 0; t++) {
      if (t > 200) throw new Error('the coordinator did not take the request');
      await new Promise((r) => setTimeout(r, 25));
    }
    await service.stop();
    expect(await worker.llen(requests)).toBe(0);
    expect(JSON.parse((await worker.hget(decisionsKey('late'), '3'))!)).toEqual({
      reason: null,
      by: 'timeout',
    });
  });

  it("drops requests of jobs that are not this session's", async () => {
    const requests = 'test:stale:requests';
    const worker = client();
    await worker.rpush(
      requests,
      JSON.stringify({ jobId: 'old', runId: 'old', epoch: 2, history: h([1, 1]) }),
    );
    const pruner = new MedianPruner();
    const service = answerPruneRequests(client(), client(), requests, pruner, new Set(['current']));
    const answer = await askCoordinator(worker, requests, 'current', 'current', 2, h([1, 1]), 5000);
    await service.stop();
    expect(answer.by).toBe('coordinator');
    expect(await worker.exists(decisionsKey('old'))).toBe(0);
  });
});

describe('tensile study --prune over --queue', () => {
  it('one worker prunes the same runs at the same epochs, for the same reasons, as the local pool', {
    timeout: 300_000,
  }, async () => {
    const worker = tensile(['worker', '--queue', url]);
    const queued = join(root, 'queued');
    const coordinator = tensile(['study', tiny, '--out', queued, '--prune', 'median', '--queue', url]);
    expect(await coordinator.exited, coordinator.out.stderr).toBe(0);
    worker.child.kill('SIGTERM');
    await worker.exited;
    // One job locally and one worker: runs train in the same order, so the pruner sees the same peers.
    const local = join(root, 'local');
    const pool = tensile(['study', tiny, '--out', local, '--prune', 'median', '--jobs', '1']);
    expect(await pool.exited, pool.out.stderr).toBe(0);
    const [q, l] = [results(queued), results(local)];
    expect(Object.keys(q).sort()).toEqual(Object.keys(l).sort());
    for (const id of Object.keys(l)) {
      expect(q[id]!.history, id).toEqual(l[id]!.history);
      expect(q[id]!.pruned, id).toEqual(l[id]!.pruned);
    }
    // The fixture's runs clearly differ: the two learning-rate-0.0005 runs stop after epoch 2.
    expect(
      Object.keys(q)
        .filter((id) => q[id]!.pruned)
        .sort(),
    ).toEqual(['learningRate-0.0005_units-16', 'learningRate-0.0005_units-4']);
    expect(q['learningRate-0.0005_units-4']!.pruned!.epoch).toBe(2);
    expect(worker.out.stdout).toMatch(/learningRate-0\.0005_units-4: pruned after epoch 2: best val_loss/);
    expect(readFileSync(join(queued, 'report.md'), 'utf8')).toContain(
      '2 of 4 runs were stopped early by the pruner',
    );
  });

  it('a coordinator that is down does not hang the worker: the run goes on, says so, and the restarted study finishes', {
    timeout: 300_000,
  }, async () => {
    const worker = tensile(['worker', '--queue', url, '--prune-wait', '1']);
    const out = join(root, 'down');
    const args = ['study', slowTiny, '--out', out, '--epochs', '6', '--prune', 'median', '--queue', url];
    const first = tensile(args);
    await until(() => first.out.stdout.includes('✓ [1/4]'), 'the first finished run');
    first.child.kill('SIGKILL');
    await until(
      () => /no pruning decision for epoch \d+ within 1 s/.test(worker.out.stdout),
      'a timed-out decision',
    );
    const [, run, epoch] =
      /(\S+): no pruning decision for epoch (\d+) within 1 s \(coordinator down\?\); going on unpruned/.exec(
        worker.out.stdout,
      )!;
    const again = tensile(args);
    expect(await again.exited, again.out.stderr).toBe(0);
    expect(again.out.stderr).toMatch(
      new RegExp(`⚠ ${run}: went on unpruned after epoch\\(s\\) [\\d, ]*\\b${epoch}\\b`),
    );
    const rs = results(out);
    expect(Object.keys(rs)).toHaveLength(4);
    // The run kept training past the undecided epoch.
    expect(rs[run!]!.epochsRun).toBeGreaterThan(Number(epoch));
    worker.child.kill('SIGTERM');
    await worker.exited;
  });
});
