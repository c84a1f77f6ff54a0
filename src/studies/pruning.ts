import { ValueError } from '../errors.js';

/** The pruners `--prune` accepts. */
export const PRUNE_MODES = ['median', 'asha'] as const;
export type PruneMode = (typeof PRUNE_MODES)[number];

/** The metric pruners compare: validation loss when the run has one, else training loss (lower is better). */
export function monitorOf(history: Record<string, number[]>): 'val_loss' | 'loss' {
  return history.val_loss?.length ? 'val_loss' : 'loss';
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * Decides, in the process that coordinates a study, whether a run stops after an epoch. It keeps
 * every run's history as reported (finished runs of an earlier session can be fed with `observe`),
 * so decisions compare runs at the same epoch.
 */
export abstract class Pruner {
  protected readonly histories = new Map<string, Record<string, number[]>>();

  /** Records a run's history (all epochs so far) without deciding anything. */
  observe(id: string, history: Record<string, number[]>): void {
    this.histories.set(id, history);
  }

  /** Why the run should stop after `epoch` (1-based), or null to let it go on. */
  decide(id: string, epoch: number, history: Record<string, number[]>): string | null {
    this.observe(id, history);
    const key = monitorOf(history);
    const value = history[key]?.[epoch - 1];
    if (value === undefined || Number.isNaN(value)) return null;
    const peers: number[] = [];
    for (const [other, h] of this.histories) {
      const v = h[key]?.[epoch - 1];
      if (other !== id && v !== undefined && !Number.isNaN(v)) peers.push(v);
    }
    return this.judge(key, epoch, history[key]!.slice(0, epoch), peers);
  }

  protected abstract judge(key: string, epoch: number, own: number[], peers: number[]): string | null;
}

/**
 * Optuna's MedianPruner rule: after the warm-up epochs, stop a run whose best value so far is worse
 * than the median of the other runs' values at the same epoch, once at least `minPeers` runs have
 * reached that epoch.
 */
export class MedianPruner extends Pruner {
  constructor(
    private readonly warmupEpochs = 1,
    private readonly minPeers = 2,
  ) {
    super();
  }

  protected judge(key: string, epoch: number, own: number[], peers: number[]): string | null {
    if (epoch <= this.warmupEpochs || peers.length < this.minPeers) return null;
    const best = Math.min(...own);
    const m = median(peers);
    return best > m
      ? `best ${key} ${best.toFixed(4)} is worse than the median ${m.toFixed(4)} of ${peers.length} other runs at epoch ${epoch}`
      : null;
  }
}

/**
 * Asynchronous successive halving (ASHA, as Optuna's SuccessiveHalvingPruner): rungs at epochs
 * minEpochs·η^k; at a rung a run goes on only if its value is among the best ⌊n/η⌋ (at least one) of
 * the n runs that have reached that rung so far, itself included; while n < η that means the best
 * so far (Optuna's rule: a run cannot be paused to wait for more peers).
 */
export class AshaPruner extends Pruner {
  constructor(
    private readonly reduction = 3,
    private readonly minEpochs = 1,
  ) {
    super();
  }

  /** True when `epoch` is a rung: minEpochs·η^k for some k ≥ 0. */
  isRung(epoch: number): boolean {
    for (let r = this.minEpochs; r <= epoch; r *= this.reduction) if (r === epoch) return true;
    return false;
  }

  protected judge(key: string, epoch: number, own: number[], peers: number[]): string | null {
    if (!this.isRung(epoch)) return null;
    const value = own[epoch - 1]!;
    const all = [...peers, value].sort((a, b) => a - b);
    const keep = Math.max(1, Math.floor(all.length / this.reduction));
    const cutoff = all[keep - 1]!;
    return value > cutoff
      ? `${key} ${value.toFixed(4)} at rung epoch ${epoch} is not among the best ${keep} of ${all.length} runs (cut-off ${cutoff.toFixed(4)})`
      : null;
  }
}

/** The pruner a `--prune` value names. */
export function createPruner(mode: string): Pruner {
  if (mode === 'median') return new MedianPruner();
  if (mode === 'asha') return new AshaPruner();
  throw new ValueError(`--prune must be one of ${PRUNE_MODES.join(', ')}, got '${mode}'`);
}
