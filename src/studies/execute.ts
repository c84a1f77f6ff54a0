import { ValueError } from '../errors.js';
import { clearSession } from '../layers/layer.js';
import { Sequential } from '../models/sequential.js';
import { setRandomSeed } from '../random/global.js';
import { fitResumable, ProgressReporter, type PruneCheck } from './training-support.js';
import type { Params, RunProgress, RunResult, RunSpec, Study, StudyOptions } from './types.js';

/** What the process running a run reports to, and asks. */
export interface RunHooks {
  progress(p: RunProgress): void;
  /** Absent: the run is never pruned. */
  shouldPrune?: PruneCheck;
}

const dataCache = new WeakMap<object, { key: string; data: Promise<unknown> }>();

/** A study's data, loaded once per process and options (workers train many runs on it). */
function studyData<P extends Params, D, X extends object>(
  study: Study<P, D, X>,
  opts: StudyOptions,
): Promise<D> {
  const key = JSON.stringify([opts.quick, opts.seed]);
  const hit = dataCache.get(study);
  if (hit?.key === key) return hit.data as Promise<D>;
  const data = study.data(opts);
  dataCache.set(study, { key, data });
  return data;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/**
 * Trains one run of a study in `dir`, resuming from what an interrupted attempt left there, and
 * returns its result (not yet written to disk).
 */
export async function executeRun<P extends Params, D, X extends object>(
  study: Study<P, D, X>,
  run: RunSpec<P>,
  dir: string,
  opts: StudyOptions,
  hooks: RunHooks,
): Promise<RunResult<P, X>> {
  // Data first (only the first run of a process loads it), then the seed: whatever randomness a
  // loader uses, every run starts from the same generator state, first in its process or not.
  const data = await studyData(study, opts);
  // Fresh layer names per run (dense, dense_1, ...), as in a new Keras session.
  clearSession();
  setRandomSeed(opts.seed);
  const ctx = { run, data, dir, opts };
  const settings = study.fit(ctx);
  const built = () => {
    const model = study.model(run, data);
    // A study that imports another copy of the library (say src/ while the CLI runs dist/) would
    // escape the runner's seeding, layer names and backend choice.
    if (!(model instanceof Sequential))
      throw new ValueError(
        `study '${study.name}': model() must return a Sequential from the same copy of tensile as the runner (import from 'tensile')`,
      );
    return model;
  };
  const { model, history, secondsPerEpoch, pruned } = await fitResumable(
    dir,
    built,
    settings.x,
    settings.y,
    {
      epochs: settings.epochs,
      batchSize: settings.batchSize,
      validationData: settings.validationData,
      validationSplit: settings.validationSplit,
      verbose: 0,
    },
    (_model, past) => [...(study.callbacks?.(ctx, past) ?? []), new ProgressReporter(run.id, hooks.progress)],
    hooks.shouldPrune,
  );
  const extra = (await study.extras?.({ ...ctx, model, history })) ?? ({} as X);
  return {
    id: run.id,
    label: run.label,
    params: run.params,
    history,
    epochsRun: history.loss?.length ?? 0,
    secondsPerEpoch: mean(secondsPerEpoch),
    params_count: model.countParams(),
    summary: model.summary({ print: false }),
    extra,
    ...(pruned ? { pruned } : {}),
  };
}
