import { describe, expect, it } from 'vitest';
import { Dense } from '../layers/dense.js';
import { Sequential } from '../models/sequential.js';
import { tensor } from '../ops/core.js';
import { LambdaCallback } from './lambda-callback.js';

describe('LambdaCallback', () => {
  it('calls the given functions, in fit order, awaiting async ones', async () => {
    const events: string[] = [];
    const cb = new LambdaCallback({
      onTrainBegin: () => void events.push('train'),
      onEpochBegin: (e) => void events.push(`epoch ${e}`),
      onBatchEnd: async (b, logs) => {
        await new Promise((r) => setTimeout(r, 1));
        events.push(`batch ${b} ${typeof logs.loss}`);
      },
      onEpochEnd: (e, logs) => void events.push(`end ${e} ${Object.keys(logs).join()}`),
      onTrainEnd: () => void events.push('done'),
    });
    const model = new Sequential([new Dense(1, { inputShape: [1] })]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    await model.fit(tensor([[1], [2], [3]]), tensor([[1], [2], [3]]), {
      epochs: 2,
      batchSize: 2,
      verbose: 0,
      callbacks: [cb],
    });
    expect(events).toEqual([
      'train',
      'epoch 0',
      'batch 0 number',
      'batch 1 number',
      'end 0 loss',
      'epoch 1',
      'batch 0 number',
      'batch 1 number',
      'end 1 loss',
      'done',
    ]);
  });
});
