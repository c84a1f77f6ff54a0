import { describe, expect, it } from 'vitest';
import { defineStudy, gridRuns } from './define.js';
import { bestOf } from './generic-report.js';

describe('gridRuns', () => {
  it('crosses the axes (first axis slowest) with ids, labels and fixed params', () => {
    const runs = gridRuns({ lr: [0.1, 0.01], act: ['relu', 'tanh'] }, { epochs: 3 });
    expect(runs.map((r) => r.id)).toEqual([
      'lr-0.1_act-relu',
      'lr-0.1_act-tanh',
      'lr-0.01_act-relu',
      'lr-0.01_act-tanh',
    ]);
    expect(runs[3]).toEqual({
      id: 'lr-0.01_act-tanh',
      label: 'lr 0.01, act tanh',
      params: { lr: 0.01, act: 'tanh', epochs: 3 },
    });
    // Typed: params.lr is a number, params.act a string.
    const lr: number = runs[0]!.params.lr;
    expect(lr).toBe(0.1);
  });

  it('makes ids safe as directory names and refuses an empty axis', () => {
    expect(gridRuns({ name: ['a b/c'] })[0]!.id).toBe('name-a_b_c');
    expect(() => gridRuns({ lr: [] })).toThrow("gridRuns: axis 'lr' has no values");
  });
});

describe('defineStudy', () => {
  it('refuses a name that cannot be a directory name', () => {
    const base = {
      title: 't',
      runs: () => [],
      data: async () => null,
      model: () => {
        throw new Error('unused');
      },
      fit: () => {
        throw new Error('unused');
      },
    };
    expect(() => defineStudy({ name: 'a/b', ...base })).toThrow("defineStudy: name 'a/b' must be letters");
    expect(defineStudy({ name: 'ok-1', ...base }).name).toBe('ok-1');
  });
});

describe('bestOf', () => {
  it('takes the minimum of losses and the maximum of other metrics, with 1-based epochs', () => {
    const history = { loss: [0.9, 0.5, 0.6], val_accuracy: [0.5, 0.7, Number.NaN] };
    expect(bestOf(history, 'loss')).toEqual({ value: 0.5, epoch: 2 });
    expect(bestOf(history, 'val_accuracy')).toEqual({ value: 0.7, epoch: 2 });
    expect(bestOf(history, 'val_loss')).toBeNull();
  });
});
