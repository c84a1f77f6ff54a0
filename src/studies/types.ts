import type { Callback } from '../callbacks/callback.js';
import type { Sequential } from '../models/sequential.js';
import type { Tensor } from '../tensor/tensor.js';

/** A value a run is parameterized by; plain JSON so params travel to workers and into result.json. */
export type ParamValue = string | number | boolean;

/** A run's parameters: a flat record of JSON values, e.g. `{ units: 8, learningRate: 1e-3 }`. */
export type Params = Readonly<Record<string, ParamValue>>;

/** One training run of a study: a model configuration trained once. */
export interface RunSpec<P extends Params = Params> {
  /** Unique within the study and safe as a directory name, e.g. 'lstm' or 'sigmoid-bn2-sgd-b128'. */
  readonly id: string;
  /** Legend label in figures. */
  readonly label: string;
  /** What distinguishes the run; saved with its results so reports never guess. */
  readonly params: P;
}

/** Options of one study invocation (the `tensile study` flags). */
export interface StudyOptions {
  /** Output directory (runs/<study>-<timestamp> by default); re-using one resumes it. */
  readonly out: string;
  readonly seed: number;
  readonly backend: string | undefined;
  /** Run ids, experiment names or model names to keep; empty keeps all. */
  readonly only: readonly string[];
  /** Overrides each run's epoch budget. */
  readonly epochs: number | undefined;
  /** A small subset of data and few epochs, for smoke tests. */
  readonly quick: boolean;
  /** Parallel worker processes. */
  readonly jobs: number;
  /** Stop runs that are clearly worse than their peers at the same epoch ('median' or 'asha'). */
  readonly prune?: 'median' | 'asha';
}

/** When and why a run was stopped early by a pruner (`--prune`). */
export interface PruneRecord {
  /** The 1-based epoch after which the run stopped. */
  readonly epoch: number;
  readonly reason: string;
}

/** What a finished run leaves behind in <out>/runs/<run id>/result.json. */
export interface RunResult<P extends Params = Params, X extends object = object> {
  readonly id: string;
  readonly label: string;
  readonly params: P;
  /** Per-epoch logs with Keras' keys (loss, accuracy, val_loss, val_accuracy). */
  readonly history: Record<string, number[]>;
  readonly epochsRun: number;
  readonly secondsPerEpoch: number;
  readonly params_count: number;
  readonly summary: string;
  /** Study-specific extras (best epoch, test scores, activation statistics...). */
  readonly extra: X;
  /** Present when a pruner stopped the run. */
  readonly pruned?: PruneRecord;
}

/** Progress a run reports while it trains (sent over IPC from worker processes). */
export interface RunProgress {
  readonly id: string;
  readonly epoch: number;
  readonly epochs: number;
  readonly batch: number;
  readonly batches: number;
  readonly logs: Readonly<Record<string, number>>;
  /** Seconds this run has trained so far. */
  readonly elapsed: number;
}

/** How one run calls `fit`: its training arrays and settings. */
export interface FitSettings {
  readonly x: Tensor;
  readonly y: Tensor;
  readonly epochs: number;
  readonly batchSize: number;
  readonly validationData?: [Tensor, Tensor];
  readonly validationSplit?: number;
}

/** What a study's hooks get for one run: the run, the loaded data, its directory and the options. */
export interface RunContext<P extends Params, D> {
  readonly run: RunSpec<P>;
  readonly data: D;
  /** The run's directory (checkpoints, best model, history). */
  readonly dir: string;
  readonly opts: StudyOptions;
}

/** A run after training: its model (the last state; best weights restored if a callback did so). */
export interface TrainedRun<P extends Params, D> extends RunContext<P, D> {
  readonly model: Sequential;
  readonly history: Record<string, number[]>;
}

/**
 * A study: runs with typed params `P`, data of type `D`, a model builder, fit settings, and what to
 * report (`X`, the extras each result carries). Built-in and user-written studies are both this.
 * Hooks are declared as methods so a `Study<MyParams, MyData, MyExtras>` is usable wherever a `Study`
 * is (the runner treats params, data and extras opaquely).
 */
export interface Study<P extends Params = Params, D = unknown, X extends object = object> {
  /** Short name, used for the default output directory. */
  readonly name: string;
  readonly title: string;
  /** Every run, before `--only` filtering. */
  runs(opts: StudyOptions): RunSpec<P>[];
  /** Names `--only` accepts besides run ids (experiments, model names), mapped to run ids. */
  groups?(opts: StudyOptions): Record<string, string[]>;
  /** Loads the data once per process (workers reuse it for every run they train). */
  data(opts: StudyOptions): Promise<D>;
  /** Builds and compiles a fresh model for one run. */
  model(run: RunSpec<P>, data: D): Sequential;
  /** How to call fit for one run. */
  fit(ctx: RunContext<P, D>): FitSettings;
  /** The run's own callbacks; `past` is the history before a resume (to replay counters). */
  callbacks?(ctx: RunContext<P, D>, past: Record<string, number[]>): Callback[];
  /** Study-specific results computed after training (test scores, statistics...). */
  extras?(trained: TrainedRun<P, D>): Promise<X> | X;
  /** One line for the progress log when a run finishes. */
  summarize?(result: RunResult<P, X>): string;
  /** Writes figures and report.{md,html}; the generic report is used when absent. */
  report?(dir: string, results: RunResult<P, X>[]): Promise<void>;
}
