import { describe, expect, it, vi } from 'vitest';
import { Dense } from '../layers/dense.js';
import { Sequential } from '../models/sequential.js';
import { tensor } from '../ops/core.js';
import { SGD } from '../optimizers/index.js';
import { LambdaCallback } from './lambda-callback.js';
import { TerminateOnNaN } from './terminate-on-nan.js';

describe('TerminateOnNaN and non-finite losses in fit', () => {
  it('fit reports the epoch and batch once; TerminateOnNaN stops at that batch', async () => {
    const model = new Sequential([new Dense(1, { inputShape: [1] })]);
    model.compile({ optimizer: new SGD(), loss: 'mse' });
    // Batch 3 of each epoch (rows 4-5) holds a NaN, so its loss is NaN.
    const x = tensor([[1], [2], [3], [4], [Number.NaN], [6], [7], [8]]);
    const y = tensor([[1], [2], [3], [4], [5], [6], [7], [8]]);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const seen: number[] = [];
    const counter = { onBatchEnd: (b: number) => void seen.push(b) };
    const history = await model.fit(x, y, {
      epochs: 5,
      batchSize: 2,
      shuffle: false,
      verbose: 0,
      callbacks: [new LambdaCallback(counter), new TerminateOnNaN()],
    });
    expect(warn.mock.calls.map((c) => c[0])).toEqual([
      'fit: the loss is NaN at epoch 1/5, batch 3/4; add a TerminateOnNaN callback to stop training when this happens',
    ]);
    expect(log.mock.calls.map((c) => c[0])).toEqual(['Batch 2: Invalid loss, terminating training']);
    expect(seen).toEqual([0, 1, 2]);
    expect(history.epoch).toEqual([0]);
    expect(Number.isNaN(history.history.loss![0])).toBe(true);
    warn.mockRestore();
    log.mockRestore();
  });

  it('reports an infinite loss without stopping when no TerminateOnNaN is given', async () => {
    const model = new Sequential([new Dense(1, { inputShape: [1], kernelInitializer: 'ones' })]);
    model.compile({ optimizer: new SGD({ learningRate: 0 }), loss: 'mse' });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const history = await model.fit(tensor([[1e30], [1]]), tensor([[-1e30], [1]]), {
      epochs: 2,
      batchSize: 1,
      shuffle: false,
      verbose: 0,
    });
    expect(warn.mock.calls.map((c) => c[0])).toEqual([
      'fit: the loss is Infinity at epoch 1/2, batch 1/2; add a TerminateOnNaN callback to stop training when this happens',
    ]);
    expect(history.epoch).toEqual([0, 1]);
    warn.mockRestore();
  });
});
