import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Callback, type Logs } from '../callbacks/callback.js';
import { EarlyStopping, type EarlyStoppingArgs } from '../callbacks/early-stopping.js';
import { TensorBoard } from '../callbacks/tensorboard.js';
import { loadModel } from '../io/index.js';
import type { Sequential } from '../models/sequential.js';
import { globalGenerator, restoreRandomState } from '../random/global.js';
import type { Tensor } from '../tensor/tensor.js';
import type { FitArgs } from '../training/fit.js';
import { writeFileAtomic } from './run-store.js';
import type { PruneRecord, RunProgress } from './types.js';

/** Forwards fit's progress as RunProgress messages (epoch, batch, running logs, elapsed time). */
export class ProgressReporter extends Callback {
  private start = 0;
  private epoch = 0;

  constructor(
    private readonly id: string,
    private readonly send: (p: RunProgress) => void,
    private readonly alreadyElapsed = 0,
  ) {
    super();
  }

  override onTrainBegin(): void {
    this.start = performance.now();
  }

  override onEpochBegin(epoch: number): void {
    this.epoch = epoch;
  }

  override onBatchEnd(batch: number, logs: Logs): void {
    this.send({
      id: this.id,
      epoch: this.epoch,
      epochs: this.params!.epochs,
      batch: batch + 1,
      batches: this.params!.steps,
      logs,
      elapsed: this.alreadyElapsed + (performance.now() - this.start) / 1000,
    });
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    this.send({
      id: this.id,
      epoch: epoch + 1,
      epochs: this.params!.epochs,
      batch: 0,
      batches: this.params!.steps,
      logs,
      elapsed: this.alreadyElapsed + (performance.now() - this.start) / 1000,
    });
  }
}

/** Records wall time per epoch (training plus validation), as the studies report it. */
export class EpochTimer extends Callback {
  seconds: number[] = [];
  private t0 = 0;

  override onEpochBegin(): void {
    this.t0 = performance.now();
  }

  override onEpochEnd(): void {
    this.seconds.push((performance.now() - this.t0) / 1000);
  }
}

/** What an interrupted run left: its history so far, its per-epoch times, and whether it was pruned. */
interface Partial {
  history: Record<string, number[]>;
  seconds: number[];
  pruned?: PruneRecord;
  /** The global random generator's state after the last finished epoch (shuffles, dropout). */
  random?: number[];
}

/**
 * Asked after every epoch (with the history so far, this epoch included) whether to stop the run;
 * resolves to the reason, or null to go on.
 */
export type PruneCheck = (epoch: number, history: Record<string, number[]>) => Promise<string | null>;

/**
 * Saves the model (with optimizer state) and the history after every epoch, so a run killed at
 * any point resumes from its last finished epoch. Between the two it asks the prune check, so a
 * pruned run's checkpoint records that it was pruned and a resume does not train it further.
 */
class ResumePoint extends Callback {
  constructor(
    private readonly dir: string,
    private readonly target: Sequential,
    private readonly partial: Partial,
    private readonly timer: EpochTimer,
    private readonly shouldPrune: PruneCheck | undefined,
  ) {
    super();
  }

  override onTrainBegin(): void {
    // Loading checkpoints builds layers, which draws from the generator (here and in the callbacks
    // before this one); the next epoch must draw what the uninterrupted run would have drawn, so the
    // state saved with the checkpoint comes back last, just before the first batch.
    if (this.partial.random) restoreRandomState(this.partial.random);
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    for (const [k, v] of Object.entries(logs)) (this.partial.history[k] ??= []).push(v);
    this.partial.seconds.push(this.timer.seconds[this.timer.seconds.length - 1] ?? 0);
    this.partial.random = globalGenerator().state();
    // After the last epoch there is nothing left to save by stopping, so the run is not pruned.
    const last = epoch + 1 >= (this.params?.epochs ?? Number.POSITIVE_INFINITY);
    const reason = this.shouldPrune && !last ? await this.shouldPrune(epoch + 1, this.partial.history) : null;
    if (reason !== null) {
      this.partial.pruned = { epoch: epoch + 1, reason };
      this.target.stopTraining = true;
    }
    await this.target.save(join(this.dir, 'last.keras'));
    writeFileAtomic(join(this.dir, 'partial.json'), JSON.stringify(this.partial));
  }
}

export interface ResumableFit {
  model: Sequential;
  history: Record<string, number[]>;
  secondsPerEpoch: number[];
  /** Set when the prune check stopped the run (now or before a resume). */
  pruned: PruneRecord | undefined;
}

/**
 * fit() that resumes: if `dir` holds a checkpoint from an interrupted run, the model (weights,
 * optimizer state, compile settings) is loaded from it and training continues at the next epoch.
 * `callbacksFor` builds the run's own callbacks given the history so far (e.g. EarlyStopping
 * replays it to recover its counters). `shouldPrune`, if given, may stop the run after any epoch.
 */
export async function fitResumable(
  dir: string,
  build: () => Sequential,
  x: Tensor,
  y: Tensor,
  args: FitArgs & { epochs: number },
  callbacksFor: (model: Sequential, past: Record<string, number[]>) => Callback[],
  shouldPrune?: PruneCheck,
): Promise<ResumableFit> {
  const partialPath = join(dir, 'partial.json');
  const lastPath = join(dir, 'last.keras');
  let partial: Partial = { history: {}, seconds: [] };
  let model: Sequential;
  if (existsSync(partialPath) && existsSync(lastPath)) {
    partial = JSON.parse(readFileSync(partialPath, 'utf8')) as Partial;
    model = (await loadModel(lastPath)) as Sequential;
  } else {
    model = build();
  }
  const done = partial.seconds.length;
  const timer = new EpochTimer();
  const callbacks = [
    timer,
    ...callbacksFor(model, partial.history),
    new ResumePoint(dir, model, partial, timer, shouldPrune),
    // Every run logs for TensorBoard: `tensorboard --logdir <out>/runs` shows <run>/train, <run>/validation.
    new TensorBoard({ logDir: dir }),
    ...(args.callbacks ?? []),
  ];
  if (done < args.epochs && !partial.pruned)
    await model.fit(x, y, { ...args, initialEpoch: done, callbacks });
  return { model, history: partial.history, secondsPerEpoch: partial.seconds, pruned: partial.pruned };
}

/**
 * EarlyStopping for a resumed run: after the usual reset it replays the epochs trained before the
 * interruption, so its wait counter and best value are what they would have been. The best
 * weights come from the best checkpoint, which ModelCheckpoint(saveBestOnly) kept on the same
 * criterion.
 */
export class ResumedEarlyStopping extends EarlyStopping {
  constructor(
    args: EarlyStoppingArgs,
    private readonly past: Record<string, number[]>,
    private readonly bestCheckpoint: string,
  ) {
    super(args);
  }

  override async onTrainBegin(): Promise<void> {
    super.onTrainBegin();
    const epochs = Math.max(0, ...Object.values(this.past).map((v) => v.length));
    for (let e = 0; e < epochs; e++) {
      const logs = Object.fromEntries(Object.entries(this.past).map(([k, v]) => [k, v[e]!]));
      super.onEpochEnd(e, logs);
    }
    if (epochs > 0 && this.restoreBestWeights && existsSync(this.bestCheckpoint)) {
      this.bestWeights = ((await loadModel(this.bestCheckpoint)) as Sequential).getWeights();
    }
  }
}
