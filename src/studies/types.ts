/** One training run of a study: a model configuration trained once. */
export interface RunSpec {
  /** Unique within the study and safe as a directory name, e.g. 'lstm' or 'sigmoid-bn2-sgd-b128'. */
  readonly id: string;
  /** Legend label in figures. */
  readonly label: string;
  /** What distinguishes the run; saved with its results so reports never guess. */
  readonly params: Readonly<Record<string, string | number | boolean>>;
}

/** Options shared by both studies (the `tensile study` flags). */
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
}

/** What a finished run leaves behind in <out>/<run id>/result.json. */
export interface RunResult {
  readonly id: string;
  readonly label: string;
  readonly params: Readonly<Record<string, string | number | boolean>>;
  /** Per-epoch logs with Keras' keys (loss, accuracy, val_loss, val_accuracy). */
  readonly history: Record<string, number[]>;
  readonly epochsRun: number;
  readonly secondsPerEpoch: number;
  readonly params_count: number;
  readonly summary: string;
  /** Study-specific extras (best epoch, test scores, activation statistics...). */
  readonly extra: Record<string, unknown>;
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

/** A study: its runs, how to train one, and how to report on all of them. */
export interface Study {
  readonly name: 'imdb-rnn' | 'batchnorm';
  readonly title: string;
  /** Every run, before `--only` filtering. */
  runs(opts: StudyOptions): RunSpec[];
  /** Names `--only` accepts besides run ids (experiments, model names), mapped to run ids. */
  groups(opts: StudyOptions): Record<string, string[]>;
  /** Trains one run, checkpointing in `dir`, resuming from what is there. */
  execute(
    run: RunSpec,
    dir: string,
    opts: StudyOptions,
    progress: (p: RunProgress) => void,
  ): Promise<RunResult>;
  /** Writes figures and the report from the finished runs' results. */
  report(dir: string, results: RunResult[]): Promise<void>;
}
