import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractExamples, runExampleAsync } from '../../test-utils/doc-examples.js';
import type { RunResult } from '../types.js';
import * as connection from './connection.js';
import * as serve from './serve.js';
import { freePort, Processes, startRedis, tensile as startTensile, until } from './test-helpers.js';

// A real redis-server (Debian's; .ci/run installs it) on a free port, real worker processes, the
// real CLI. The fixture study trains four tiny runs at ~0.15 s per epoch.
const study = fileURLToPath(new URL('../fixtures/slow-tiny-study.ts', import.meta.url));
const RUN_IDS = [
  'learningRate-0.0005_units-16',
  'learningRate-0.0005_units-4',
  'learningRate-0.05_units-16',
  'learningRate-0.05_units-4',
];
const root = mkdtempSync(join(tmpdir(), 'tensile-queue-'));
const processes = new Processes();
const tensile = (args: string[], env: NodeJS.ProcessEnv = {}) => startTensile(processes, args, env);
let url = '';

function histories(out: string): Record<string, Record<string, number[]>> {
  return Object.fromEntries(
    RUN_IDS.map((id) => [
      id,
      (JSON.parse(readFileSync(join(out, 'runs', id, 'result.json'), 'utf8')) as RunResult).history,
    ]),
  );
}

beforeAll(async () => {
  url = await startRedis(processes);
});

afterAll(() => {
  processes.killAll();
  rmSync(root, { recursive: true, force: true });
});

describe('queue doc examples run (against the test server)', () => {
  const modules = { 'connection.ts': connection, 'serve.ts': serve } as Record<
    string,
    Record<string, unknown>
  >;
  const files = Object.keys(modules).map((f) => fileURLToPath(new URL(`./${f}`, import.meta.url)));
  const examples = extractExamples(files);
  it('finds the examples', () => expect(examples.length).toBe(5));
  for (const ex of examples) {
    it(ex.symbol.slice(0, 60), { timeout: 30_000 }, async () => {
      // The modules are internal (not exported from 'tensile'): bind their exports as if they were.
      const exports = modules[ex.file.split('/').pop()!]!;
      const code = `import { ${Object.keys(exports).join(', ')} } from 'tensile';\n${ex.code.replaceAll('redis://127.0.0.1:6379', url)}`;
      await runExampleAsync({ ...ex, code }, exports);
    });
  }
});

describe('tensile study --queue with tensile worker', () => {
  it('two workers, one SIGKILLed mid-run: every run finishes exactly once, histories equal the local pool', {
    timeout: 300_000,
  }, async () => {
    const workers = [tensile(['worker', '--queue', url]), tensile(['worker', '--queue', url])];
    const out = join(root, 'queued');
    const coordinator = tensile(['study', study, '--out', out, '--epochs', '6', '--queue', url]);
    // Kill whichever worker first reports a saved checkpoint of epoch 2: its run is mid-training.
    let victim = -1;
    await until(() => {
      victim = workers.findIndex((w) => /epoch 2 checkpoint saved/.test(w.out.stdout));
      return victim >= 0;
    }, 'a checkpoint of epoch 2');
    const killedRun = /(\S+): epoch 2 checkpoint saved/.exec(workers[victim]!.out.stdout)![1]!;
    workers[victim]!.child.kill('SIGKILL');
    expect(await coordinator.exited, coordinator.out.stderr).toBe(0);
    const survivor = workers[1 - victim]!.out.stdout;
    // The survivor took the killed worker's run over and resumed it after a saved epoch (≥ 2).
    expect(survivor).toMatch(new RegExp(`${killedRun}: resuming after epoch [2-6]`));
    const done = (workers[0]!.out.stdout + workers[1]!.out.stdout).match(/^\S+: done$/gm) ?? [];
    expect(done.map((l) => l.replace(': done', '')).sort()).toEqual(RUN_IDS);
    expect(workers[victim]!.out.stdout).not.toContain(`${killedRun}: done`);

    // The local process pool, same seed: identical histories, the killed run's included.
    const local = tensile(['study', study, '--out', join(root, 'local'), '--epochs', '6', '--jobs', '2']);
    expect(await local.exited, local.out.stderr).toBe(0);
    const queued = histories(out);
    expect(queued[killedRun]!.loss).toHaveLength(6);
    expect(queued).toEqual(histories(join(root, 'local')));
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('learningRate 0.05, units 16');
    // Files the run left in subdirectories of its scratch directory arrive in the run directory.
    for (const id of RUN_IDS)
      expect(readFileSync(join(out, 'runs', id, 'notes', 'trained.txt'), 'utf8'), id).toBe('trained\n');
    workers[1 - victim]!.child.kill('SIGTERM');
    expect(await workers[1 - victim]!.exited).toBe(0);
  });

  it('a worker that cannot load the study fails its runs with that message; a restart retries them', {
    timeout: 300_000,
  }, async () => {
    const broken = tensile(['worker', '--queue', url], { TENSILE_TEST_STUDY_MISSING: '1' });
    const out = join(root, 'broken');
    const first = tensile(['study', study, '--out', out, '--epochs', '2', '--queue', url]);
    expect(await first.exited).toBe(1);
    for (const id of RUN_IDS)
      expect(first.out.stderr).toContain(
        `✗ ${id}: failed in its worker: study module ${study} failed to load: no such file on this worker`,
      );
    expect(first.out.stderr).toMatch(
      /^tensile: 4 run\(s\) failed \(.*\); re-run the same command to retry them$/m,
    );
    expect(first.out.stderr).not.toContain('unexpected error');
    broken.child.kill('SIGKILL');

    // The same command again, now with a worker that has the module: the failed runs are retried.
    const good = tensile(['worker', '--queue', url]);
    const again = tensile(['study', study, '--out', out, '--epochs', '2', '--queue', url]);
    expect(await again.exited, again.out.stderr).toBe(0);
    expect(Object.values(histories(out)).map((h) => h.loss!.length)).toEqual([2, 2, 2, 2]);
    good.child.kill('SIGTERM');
    await good.exited;
  });

  it('a coordinator SIGKILLed mid-study and restarted with the same --out waits for the runs it queued', {
    timeout: 300_000,
  }, async () => {
    const worker = tensile(['worker', '--queue', url]);
    const out = join(root, 'restarted');
    const args = ['study', study, '--out', out, '--epochs', '4', '--queue', url];
    const first = tensile(args);
    await until(() => first.out.stdout.includes('✓ [1/4]'), 'the first finished run');
    first.child.kill('SIGKILL');
    const again = tensile(args);
    expect(await again.exited, again.out.stderr).toBe(0);
    expect(again.out.stdout).toMatch(/already finished, skipped/);
    expect(Object.values(histories(out)).map((h) => h.loss!.length)).toEqual([4, 4, 4, 4]);
    // Nothing was queued twice: the worker completed each run once.
    expect((worker.out.stdout.match(/^\S+: done$/gm) ?? []).length).toBe(4);
    worker.child.kill('SIGTERM');
    await worker.exited;
  });

  it('Redis unreachable: one clear line within seconds, from the coordinator and from a worker', {
    timeout: 60_000,
  }, async () => {
    const dead = `redis://127.0.0.1:${await freePort()}`;
    for (const args of [
      ['study', study, '--out', join(root, 'dead'), '--queue', dead],
      ['worker', '--queue', dead],
    ]) {
      const t0 = Date.now();
      const r = tensile(args);
      expect(await r.exited).toBe(1);
      expect(Date.now() - t0).toBeLessThan(15_000);
      expect(r.out.stderr).toBe(`tensile: cannot reach Redis at ${dead}: ECONNREFUSED\n`);
    }
  });
});
