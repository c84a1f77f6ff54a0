import { describe, expect, it, vi } from 'vitest';
import { Dense } from '../layers/dense.js';
import { Sequential } from '../models/sequential.js';
import { tensor } from '../ops/core.js';
import { Adam } from '../optimizers/index.js';
import { LearningRateScheduler } from './learning-rate-scheduler.js';

describe('LearningRateScheduler', () => {
  it('sets the rate from schedule(epoch, lr) before each epoch and logs it', async () => {
    const model = new Sequential([new Dense(1, { inputShape: [2] })]);
    model.compile({ optimizer: new Adam({ learningRate: 0.1 }), loss: 'mse' });
    const calls: [number, number][] = [];
    const scheduler = new LearningRateScheduler((epoch, lr) => {
      calls.push([epoch, lr]);
      return epoch < 1 ? lr : lr / 2;
    });
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    const history = await model.fit(x, tensor([[1], [2]]), { epochs: 3, verbose: 0, callbacks: [scheduler] });
    expect(calls).toEqual([
      [0, 0.1],
      [1, 0.1],
      [2, 0.05],
    ]);
    expect(model.optimizer!.learningRate).toBe(0.025);
    expect(scheduler.params!.epochs).toBe(3);
    expect(history.epoch).toEqual([0, 1, 2]);
  });

  it('prints with verbose and rejects a schedule that returns no number', () => {
    const model = new Sequential([new Dense(1, { inputShape: [2] })]);
    model.compile({ optimizer: new Adam(), loss: 'mse' });
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const verbose = new LearningRateScheduler(() => 1e-5, { verbose: 1 });
    verbose.setModel(model);
    verbose.onEpochBegin(4);
    expect(log).toHaveBeenCalledWith('\nEpoch 5: LearningRateScheduler setting learning rate to 1e-05.');
    log.mockRestore();
    const bad = new LearningRateScheduler(() => undefined as unknown as number);
    bad.setModel(model);
    expect(() => bad.onEpochBegin(0)).toThrow(/should be a number. Got: undefined/);
  });
});
