import type { StudyRef } from '../registry.js';
import type { RunResult, RunSpec, StudyOptions } from '../types.js';

/** A run's last per-epoch checkpoint, kept in the job's data so any worker can resume it. */
export interface QueuedCheckpoint {
  /** Epochs the checkpoint holds. */
  epochs: number;
  /** last.keras, base64. */
  model: string;
  /** partial.json (history so far, epoch times, random state). */
  partial: string;
}

/** What the coordinator puts on the queue for one run. */
export interface RunJobData {
  study: StudyRef;
  run: RunSpec;
  opts: StudyOptions;
  checkpoint?: QueuedCheckpoint;
  /** With `--prune`: the Redis list the worker asks its pruning questions on (see prune.ts). */
  pruneRequests?: string;
}

/** What a worker returns: the result and the run directory's other files (best.keras...), base64. */
export interface RunJobResult {
  result: RunResult;
  files: Record<string, string>;
}
