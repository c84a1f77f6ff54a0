import { describe, expect, it } from 'vitest';
import { AshaPruner, createPruner, MedianPruner, monitorOf } from './pruning.js';

const h = (valLoss: number[]) => ({ loss: valLoss.map((v) => v + 0.1), val_loss: valLoss });

describe('MedianPruner', () => {
  it('never prunes in the warm-up epoch or with fewer than two peers at that epoch', () => {
    const p = new MedianPruner();
    expect(p.decide('a', 1, h([0.5]))).toBeNull();
    expect(p.decide('b', 1, h([9]))).toBeNull(); // epoch 1 is warm-up
    expect(p.decide('b', 2, h([9, 9]))).toBeNull(); // one peer ('a') has no epoch 2 yet: none
    p.observe('a', h([0.5, 0.4]));
    expect(p.decide('b', 2, h([9, 9]))).toBeNull(); // one peer at epoch 2
  });

  it("prunes when the run's best value so far is worse than the peers' median at that epoch", () => {
    const p = new MedianPruner();
    p.observe('a', h([0.5, 0.4, 0.3]));
    p.observe('b', h([0.6, 0.5, 0.45]));
    p.observe('c', h([0.7, 0.6]));
    // Peers at epoch 2: 0.4, 0.5, 0.6 → median 0.5. Best so far 0.55 > 0.5: pruned.
    expect(p.decide('d', 2, h([0.8, 0.55]))).toBe(
      'best val_loss 0.5500 is worse than the median 0.5000 of 3 other runs at epoch 2',
    );
    // Best so far 0.45 (epoch 1) ≤ 0.5: goes on although this epoch's value is worse.
    expect(p.decide('e', 2, h([0.45, 0.9]))).toBeNull();
    // Without val_loss the training loss is compared: peers a 0.4, b 0.55 at epoch 3, median 0.475.
    expect(p.decide('f', 3, { loss: [1, 0.9, 0.2] })).toBeNull();
  });
});

describe('AshaPruner', () => {
  it('has rungs at minEpochs·η^k', () => {
    const p = new AshaPruner(3, 1);
    expect([1, 2, 3, 4, 9, 10, 27].map((e) => p.isRung(e))).toEqual([
      true,
      false,
      true,
      false,
      true,
      false,
      true,
    ]);
    expect([2, 4, 6, 18].map((e) => new AshaPruner(3, 2).isRung(e))).toEqual([true, false, true, true]);
  });

  it('keeps the best ⌊n/η⌋ of the n runs at a rung (the best one while n < η), deciding only at rungs', () => {
    const p = new AshaPruner(3, 1);
    expect(p.decide('a', 1, h([0.5]))).toBeNull(); // alone: the best
    expect(p.decide('b', 1, h([0.9]))).toBe(
      'val_loss 0.9000 at rung epoch 1 is not among the best 1 of 2 runs (cut-off 0.5000)',
    );
    expect(p.decide('c', 1, h([0.4]))).toBeNull(); // n = 3 → keep 1: 0.4 is the best
    expect(p.decide('b', 2, h([0.9, 0.95]))).toBeNull(); // epoch 2 is no rung
    // Six runs at rung 1: keep ⌊6/3⌋ = 2, cut-off is the second best (0.45).
    p.observe('d', h([0.45]));
    p.observe('e', h([0.8]));
    expect(p.decide('f', 1, h([0.45]))).toBeNull();
    expect(p.decide('g', 1, h([0.46]))).toContain('not among the best 2 of 7 runs (cut-off 0.4500)');
  });
});

describe('createPruner and monitorOf', () => {
  it('names the pruners --prune accepts and the metric they compare', () => {
    expect(createPruner('median')).toBeInstanceOf(MedianPruner);
    expect(createPruner('asha')).toBeInstanceOf(AshaPruner);
    expect(() => createPruner('hyperband')).toThrow("--prune must be one of median, asha, got 'hyperband'");
    expect(monitorOf({ loss: [1], val_loss: [2] })).toBe('val_loss');
    expect(monitorOf({ loss: [1] })).toBe('loss');
  });
});
