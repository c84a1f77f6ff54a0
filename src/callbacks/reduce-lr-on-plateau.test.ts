import { describe, expect, it, vi } from 'vitest';
import { SGD } from '../optimizers/index.js';
import type { CallbackModel } from './callback.js';
import { ReduceLROnPlateau, type ReduceLROnPlateauArgs } from './reduce-lr-on-plateau.js';

function run(values: number[], args: ReduceLROnPlateauArgs, lr = 0.1) {
  const optimizer = new SGD({ learningRate: lr });
  const cb = new ReduceLROnPlateau(args);
  cb.setModel({ stopTraining: false, optimizer } as unknown as CallbackModel);
  cb.onTrainBegin();
  return values.map((v, epoch) => {
    cb.onEpochEnd(epoch, { [args.monitor ?? 'val_loss']: v });
    return Math.fround(optimizer.learningRate); // Keras holds the rate in a float32 variable
  });
}

// Expected rates from keras/src/callbacks/reduce_lr_on_plateau.py transliterated to Python:
//   if mode == "min" or (mode == "auto" and "acc" not in monitor): op = lambda a, b: a < b - min_delta; best = inf
//   else: op = lambda a, b: a > b + min_delta; best = -inf
//   for epoch, current in enumerate(values):
//       if cooldown_counter > 0: cooldown_counter -= 1; wait = 0
//       if op(current, best): best = current; wait = 0
//       elif not cooldown_counter > 0:
//           wait += 1
//           if wait >= patience:
//               old_lr = float(lr)
//               if old_lr > np.float32(min_lr):
//                   lr = np.float32(max(old_lr * factor, min_lr)); cooldown_counter = cooldown; wait = 0
const TABLE: [number[], ReduceLROnPlateauArgs, number[]][] = [
  [
    [1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9],
    { patience: 2 },
    [
      0.10000000149011612, 0.10000000149011612, 0.10000000149011612, 0.009999999776482582,
      0.009999999776482582, 0.0009999999310821295, 0.0009999999310821295,
    ],
  ],
  [
    [1.0, 0.99995, 0.9999, 0.8, 0.8, 0.8],
    { patience: 1, minDelta: 1e-4 },
    [
      0.10000000149011612, 0.009999999776482582, 0.0009999999310821295, 0.0009999999310821295,
      9.99999901978299e-5, 9.99999883788405e-6,
    ],
  ],
  [
    [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
    { patience: 1, cooldown: 2, factor: 0.5 },
    [
      0.10000000149011612, 0.05000000074505806, 0.05000000074505806, 0.02500000037252903, 0.02500000037252903,
      0.012500000186264515, 0.012500000186264515, 0.0062500000931322575,
    ],
  ],
  [
    [1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
    { patience: 1, factor: 0.5, minLr: 0.02 },
    [
      0.10000000149011612, 0.05000000074505806, 0.02500000037252903, 0.019999999552965164,
      0.019999999552965164, 0.019999999552965164,
    ],
  ],
  [
    [0.5, 0.6, 0.6, 0.6, 0.7],
    { monitor: 'val_accuracy', patience: 1 },
    [
      0.10000000149011612, 0.10000000149011612, 0.009999999776482582, 0.0009999999310821295,
      0.0009999999310821295,
    ],
  ],
];

describe('ReduceLROnPlateau reproduces Keras 3', () => {
  it.each(TABLE)('%j with %j', (values, args, expected) => {
    expect(run(values, args)).toEqual(expected);
  });

  it('logs the learning rate, warns once about a missing metric, rejects factor >= 1, resets on train begin', () => {
    expect(() => new ReduceLROnPlateau({ factor: 1 })).toThrow(/does not support a factor >= 1.0/);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const optimizer = new SGD({ learningRate: 0.5 });
    const cb = new ReduceLROnPlateau({ patience: 1 });
    cb.setModel({ stopTraining: false, optimizer } as unknown as CallbackModel);
    cb.onTrainBegin();
    const logs: Record<string, number> = { loss: 1 };
    cb.onEpochEnd(0, logs);
    cb.onEpochEnd(1, { loss: 1 });
    expect(logs.learning_rate).toBe(0.5);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(
      /conditioned on metric `val_loss` which is not available. Available metrics are: loss,learning_rate/,
    );
    warn.mockRestore();
    cb.onEpochEnd(2, { val_loss: 1 });
    cb.onEpochEnd(3, { val_loss: 1 });
    expect(cb.wait).toBe(0);
    expect(Math.fround(optimizer.learningRate)).toBe(Math.fround(0.05));
    cb.onTrainBegin();
    expect([cb.wait, cb.cooldownCounter, cb.best]).toEqual([0, 0, Number.POSITIVE_INFINITY]);
  });
});
