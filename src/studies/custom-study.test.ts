import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { executeRun } from './execute.js';
import { loadStudy, studyRef } from './registry.js';
import type { RunResult, StudyOptions } from './types.js';

// A user-written study module (fixtures/tiny-study.ts) run through the real CLI: in worker
// processes, with pruning, and with the generic report. The fixture trains in seconds.
const cli = fileURLToPath(new URL('../cli/main.ts', import.meta.url));
const tiny = fileURLToPath(new URL('./fixtures/tiny-study.ts', import.meta.url));
const broken = fileURLToPath(new URL('./fixtures/broken-study.ts', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'tensile-custom-study-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function tensile(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], {
    encoding: 'utf8',
    env: process.env,
  });
}

function results(out: string): Map<string, RunResult> {
  return new Map(
    readdirSync(join(out, 'runs')).map((id) => [
      id,
      JSON.parse(readFileSync(join(out, 'runs', id, 'result.json'), 'utf8')) as RunResult,
    ]),
  );
}

describe('tensile study ./my-study.ts', () => {
  it('trains every run in worker processes (pruning over IPC), as an in-process run would, with the generic report', {
    timeout: 600_000,
  }, async () => {
    const out = join(root, 'workers');
    // ASHA's rungs are epochs 1 and 3; the last epoch is never pruned, so only epoch 1 decides.
    const run = tensile('study', tiny, '--out', out, '--jobs', '2', '--epochs', '3', '--prune', 'asha');
    expect(run.status, run.stderr).toBe(0);
    const rs = results(out);
    expect([...rs.keys()].sort()).toEqual([
      'learningRate-0.0005_units-16',
      'learningRate-0.0005_units-4',
      'learningRate-0.05_units-16',
      'learningRate-0.05_units-4',
    ]);
    const r = rs.get('learningRate-0.05_units-16')!;
    expect(r.params).toEqual({ learningRate: 0.05, units: 16, epochs: 3 });
    expect(r.params_count).toBe(2 * 16 + 16 + 16 + 1);
    expect(r.history.val_loss).toHaveLength(3);
    // The best run at epoch 1 always goes on. The two learning-rate-0.0005 runs start only after a
    // learning-rate-0.05 run has finished, so both of those are their peers at rung 1: pruned there.
    expect(r.pruned).toBeUndefined();
    for (const id of ['learningRate-0.0005_units-4', 'learningRate-0.0005_units-16']) {
      expect(rs.get(id)!.pruned?.epoch, id).toBe(1);
      expect(rs.get(id)!.pruned?.reason, id).toContain('at rung epoch 1 is not among the best 1 of');
    }

    // The same run trained here, in this process, gives the identical history.
    const study = await loadStudy(studyRef(tiny));
    const opts: StudyOptions = {
      out: join(root, 'here'),
      seed: 42,
      backend: undefined,
      only: [],
      epochs: 3,
      quick: false,
      jobs: 1,
    };
    const spec = study.runs(opts).find((s) => s.id === r.id)!;
    const here = await executeRun(study, spec, join(opts.out, spec.id), opts, { progress: () => {} });
    expect(here.history).toEqual(r.history);
    expect((r.extra as { trainLoss: number }).trainLoss).toBeCloseTo(
      (here.extra as { trainLoss: number }).trainLoss,
      6,
    );

    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toContain(
      `learningRate 0.05, units 16: best val_loss ${Math.min(...r.history.val_loss!).toFixed(4)}`,
    );
    expect(report).toContain('learningRate 0.0005, units 4: stopped after epoch 1: val_loss');
    for (const f of ['curves-loss', 'curves-val_loss'])
      expect(existsSync(join(out, 'figures', `${f}.png`)), f).toBe(true);

    rmSync(join(out, 'report.md'));
    const again = tensile('report', out);
    expect(again.status, again.stderr).toBe(0);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toBe(report);
  });

  it('--prune median stops the runs that are worse than their peers, and the report says when', {
    timeout: 600_000,
  }, () => {
    const out = join(root, 'median');
    // One job: runs train in order, so the pruner's peers (and its decisions) are deterministic.
    const run = tensile('study', tiny, '--out', out, '--jobs', '1', '--prune', 'median');
    expect(run.status, run.stderr).toBe(0);
    const rs = results(out);
    // Runs 1 and 2 (learning rate 0.05) have fewer than two peers or beat them; runs 3 and 4
    // (learning rate 0.0005, val_loss ≈ 3 against ≈ 0.6 and ≈ 0.05) are stopped at epoch 2,
    // the first epoch after the warm-up.
    for (const id of ['learningRate-0.05_units-4', 'learningRate-0.05_units-16']) {
      expect(rs.get(id)!.pruned, id).toBeUndefined();
      expect(rs.get(id)!.epochsRun, id).toBe(4);
    }
    for (const id of ['learningRate-0.0005_units-4', 'learningRate-0.0005_units-16']) {
      expect(rs.get(id)!.pruned?.epoch, id).toBe(2);
      expect(rs.get(id)!.epochsRun, id).toBe(2);
    }
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toContain('2 of 4 runs were stopped early by the pruner');
    expect(report).toContain('learningRate 0.0005, units 4: stopped after epoch 2: best val_loss');

    // Resuming the finished study trains nothing and keeps the pruning record.
    const resumed = tensile('study', tiny, '--out', out, '--jobs', '1', '--prune', 'median');
    expect(resumed.stdout).toContain('already finished, skipped');
    expect(results(out).get('learningRate-0.0005_units-4')!.pruned?.epoch).toBe(2);
  });

  it('names the problem when the module is not a study, or the study is unknown', () => {
    const bad = tensile('study', broken, '--out', join(root, 'broken'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(`study module ${broken}: the default export has no 'data' function`);
    const missing = tensile('study', './no-such-study.ts');
    expect(missing.stderr).toMatch(/study module .*no-such-study\.ts not found/);
    const unknown = tensile('study', 'imdb');
    expect(unknown.stderr).toContain("unknown study 'imdb' (built-in: imdb-rnn, batchnorm; or give a path");
    const prune = tensile('study', tiny, '--prune', 'mean');
    expect(prune.stderr).toContain("--prune must be one of median, asha, got 'mean'");
  });
});
