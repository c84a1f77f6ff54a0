import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ValueError } from '../errors.js';
import { executeRun } from './execute.js';
import { last } from './findings.js';
import { genericReport } from './generic-report.js';
import { StudyProgress } from './progress.js';
import { createPruner } from './pruning.js';
import type { StudyRef } from './registry.js';
import { readResult, runDir, writeFileAtomic, writeResult } from './run-store.js';
import type { RunProgress, RunResult, RunSpec, Study, StudyOptions } from './types.js';
import { type PruneDecision, StudyWorker } from './worker.js';

/** Keeps the runs named by `--only` (run ids or group names); an unknown name is an error. */
export function selectRuns(
  all: RunSpec[],
  groups: Record<string, string[]>,
  only: readonly string[],
): RunSpec[] {
  if (only.length === 0) return all;
  const wanted = new Set<string>();
  for (const name of only) {
    const ids = groups[name] ?? (all.some((r) => r.id === name) ? [name] : null);
    if (!ids) {
      const known = [...Object.keys(groups), ...all.map((r) => r.id)];
      throw new ValueError(`--only: unknown run or experiment '${name}' (known: ${known.join(', ')})`);
    }
    for (const id of ids) wanted.add(id);
  }
  return all.filter((r) => wanted.has(r.id));
}

/** One line for the progress log when a study has no `summarize`: epochs, time, last losses. */
export function defaultSummary(r: RunResult): string {
  const parts = [`${r.epochsRun} epochs`, `${r.secondsPerEpoch.toFixed(2)} s/epoch`];
  for (const key of ['loss', 'val_loss', 'val_accuracy'])
    if (r.history[key]?.length) parts.push(`${key} ${last(r.history[key]).toFixed(4)}`);
  if (r.pruned) parts.push(`pruned after epoch ${r.pruned.epoch}`);
  return parts.join(', ');
}

/**
 * Runs every selected run that has not finished yet (resuming interrupted ones from their
 * checkpoints), `jobs` at a time in worker processes, then writes the report. `ref` is how worker
 * processes load the same study; with `opts.prune` a pruner (in this process) may stop runs early.
 */
export async function runStudy(ref: StudyRef, study: Study, opts: StudyOptions): Promise<RunResult[]> {
  const specs = selectRuns(study.runs(opts), study.groups?.(opts) ?? {}, opts.only);
  const pruner = opts.prune ? createPruner(opts.prune) : null;
  const prune: PruneDecision | null = pruner && ((id, epoch, history) => pruner.decide(id, epoch, history));
  mkdirSync(opts.out, { recursive: true });
  writeFileAtomic(
    join(opts.out, 'study.json'),
    JSON.stringify({ study: ref, name: study.name, options: opts, runs: specs }, null, 1),
  );
  const describe = (r: RunResult) => study.summarize?.(r) ?? defaultSummary(r);
  const epochsOf = (r: RunSpec) => Number(r.params.epochs ?? 1);
  const pending = specs.filter((r) => readResult(opts.out, r.id) === null);
  const progress = new StudyProgress(
    specs.length,
    pending.reduce((n, r) => n + epochsOf(r), 0),
    opts.jobs,
  );
  for (const r of specs) {
    if (pending.includes(r)) continue;
    progress.skipped(r.id);
    // Runs finished in an earlier session still count as peers for the pruner.
    pruner?.observe(r.id, readResult(opts.out, r.id)!.history);
  }

  const queue = [...pending];
  const failures: Error[] = [];
  const onProgress = (p: RunProgress) => progress.update(p);
  const inProcess = (run: RunSpec) =>
    executeRun(study, run, runDir(opts.out, run.id), opts, {
      progress: onProgress,
      shouldPrune: prune ? async (epoch, history) => prune(run.id, epoch, history) : undefined,
    }).then((r) => {
      writeResult(opts.out, r);
      return r;
    });
  const worker = async () => {
    const child = opts.jobs > 1 ? new StudyWorker(ref, onProgress, prune) : null;
    try {
      for (let run = queue.shift(); run; run = queue.shift()) {
        progress.started(epochsOf(run));
        try {
          const result = child ? await child.run(run, opts) : await inProcess(run);
          progress.done(result, describe(result));
        } catch (e) {
          failures.push(e as Error);
          process.stderr.write(`\n✗ ${run.id}: ${(e as Error).message}\n`);
        }
      }
    } finally {
      child?.close();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.jobs, pending.length)) }, worker));
  if (failures.length > 0)
    throw new Error(`${failures.length} run(s) failed; re-run the same command to resume`);
  const results = specs.map((r) => readResult(opts.out, r.id)!);
  await writeStudyReport(study, opts.out, results);
  return results;
}

/** The study's own report, or the generic one (a table of runs and their curves). */
export async function writeStudyReport(study: Study, dir: string, results: RunResult[]): Promise<void> {
  await (study.report ? study.report(dir, results) : genericReport(dir, study.title, results));
}
