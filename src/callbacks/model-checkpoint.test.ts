import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadModel } from '../io/index.js';
import { formatPath, pythonFloat } from '../io/python-format.js';
import { Dense } from '../layers/dense.js';
import { Sequential } from '../models/sequential.js';
import { tensor } from '../ops/core.js';
import { Adam } from '../optimizers/index.js';
import { setRandomSeed } from '../random/index.js';
import type { CallbackModel } from './callback.js';
import { LambdaCallback } from './lambda-callback.js';
import { ModelCheckpoint } from './model-checkpoint.js';

const dir = mkdtempSync(join(tmpdir(), 'tensile-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeModel() {
  const saved: string[] = [];
  const model = {
    stopTraining: false,
    optimizer: null,
    getWeights: () => [],
    setWeights: () => {},
    save: async (p: string) => void saved.push(`model ${p}`),
    saveWeights: async (p: string) => void saved.push(`weights ${p}`),
  };
  return { model: model as unknown as CallbackModel, saved };
}

describe('checkpoint paths use Python format fields', () => {
  it('formats like str.format: epoch from 1, widths, precisions, exponents', () => {
    const ints = new Set(['epoch', 'batch']);
    // Python: 'w-{epoch:02d}-{val_loss:.2f}'.format(epoch=3, val_loss=0.12345) == 'w-03-0.12', etc.
    expect(formatPath('w-{epoch:02d}-{val_loss:.2f}.keras', { epoch: 3, val_loss: 0.12345 }, ints)).toBe(
      'w-03-0.12.keras',
    );
    expect(formatPath('{epoch}-{loss}', { epoch: 12, loss: 0.5 }, ints)).toBe('12-0.5');
    expect(
      formatPath(
        '{acc:.1%} {loss:.3e} {loss:g} {epoch:>4}{{x}}',
        { acc: 0.912, loss: 0.00012345, epoch: 7 },
        ints,
      ),
    ).toBe('91.2% 1.234e-04 0.00012345    7{x}');
    expect(formatPath('{loss:08.3f}|{loss:+.1f}|{mae:.3g}', { loss: -1.5, mae: 123456 }, ints)).toBe(
      '-001.500|-1.5|1.23e+05',
    );
    expect(() => formatPath('{val_acc:.2f}', { loss: 1 })).toThrow(
      /no value for \{val_acc\} \(available: loss\)/,
    );
  });

  it('writes floats as Python repr does', () => {
    expect(
      [1e-5, 0.0001, 2, 0.1, 1e16, 123456789012345680, Number.NaN, -Infinity, 1.5e-7].map(pythonFloat),
    ).toEqual(['1e-05', '0.0001', '2.0', '0.1', '1e+16', '1.2345678901234568e+17', 'nan', '-inf', '1.5e-07']);
  });
});

describe('ModelCheckpoint (Keras 3 rules)', () => {
  it('saves every epoch, or only improvements with saveBestOnly, printing Keras messages', async () => {
    const { model, saved } = fakeModel();
    const all = new ModelCheckpoint(join(dir, 'e{epoch:02d}.keras'));
    all.setModel(model);
    all.onTrainBegin();
    await all.onEpochEnd(0, { val_loss: 1 });
    await all.onEpochEnd(1, { val_loss: 2 });
    expect(saved).toEqual([`model ${join(dir, 'e01.keras')}`, `model ${join(dir, 'e02.keras')}`]);

    saved.length = 0;
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const best = new ModelCheckpoint('best.weights.h5', {
      saveBestOnly: true,
      saveWeightsOnly: true,
      verbose: 1,
    });
    best.setModel(model);
    best.onTrainBegin();
    for (const [e, v] of [0.5, 0.4, 0.45, 0.3].entries()) await best.onEpochEnd(e, { val_loss: v });
    expect(saved).toEqual(['weights best.weights.h5', 'weights best.weights.h5', 'weights best.weights.h5']);
    expect(log.mock.calls.map((c) => c[0])).toEqual([
      '\nEpoch 1: val_loss improved from inf to 0.50000, saving model to best.weights.h5',
      '\nEpoch 1: finished saving model to best.weights.h5',
      '\nEpoch 2: val_loss improved from 0.50000 to 0.40000, saving model to best.weights.h5',
      '\nEpoch 2: finished saving model to best.weights.h5',
      '\nEpoch 3: val_loss did not improve from 0.40000',
      '\nEpoch 4: val_loss improved from 0.40000 to 0.30000, saving model to best.weights.h5',
      '\nEpoch 4: finished saving model to best.weights.h5',
    ]);
    log.mockRestore();
  });

  it("maximizes accuracy in 'auto' mode, honors initialValueThreshold, saves every N batches", async () => {
    const { model, saved } = fakeModel();
    const acc = new ModelCheckpoint('a.keras', {
      monitor: 'val_accuracy',
      saveBestOnly: true,
      initialValueThreshold: 0.6,
    });
    acc.setModel(model);
    acc.onTrainBegin();
    for (const [e, v] of [0.5, 0.7, 0.65, 0.8].entries()) await acc.onEpochEnd(e, { val_accuracy: v });
    expect(saved).toHaveLength(2);
    saved.length = 0;
    const everyThree = new ModelCheckpoint('b-{epoch}-{batch}.keras', { saveFreq: 3 });
    everyThree.setModel(model);
    everyThree.onTrainBegin();
    for (const epoch of [0, 1]) {
      everyThree.onEpochBegin(epoch);
      for (let b = 0; b < 4; b++) await everyThree.onBatchEnd(b, { loss: 1 });
      await everyThree.onEpochEnd(epoch, { loss: 1 });
    }
    expect(saved).toEqual(['model b-1-3.keras', 'model b-2-2.keras']);
  });

  it('warns and saves when the monitored value is missing; rejects paths Keras rejects', async () => {
    const { model, saved } = fakeModel();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const cb = new ModelCheckpoint('m.h5', { saveBestOnly: true });
    cb.setModel(model);
    cb.onTrainBegin();
    await cb.onEpochEnd(0, { loss: 1 });
    expect(warn).toHaveBeenCalledWith('Can save best model only with val_loss available.');
    expect(saved).toEqual(['model m.h5']);
    warn.mockRestore();
    expect(() => new ModelCheckpoint('m.h5', { saveWeightsOnly: true })).toThrow(/must end in .weights.h5/);
    expect(() => new ModelCheckpoint('m.ckpt')).toThrow(/must end in .keras/);
    expect(() => new ModelCheckpoint('m.keras', { saveFreq: 0 })).toThrow(/Unrecognized saveFreq/);
    const unformattable = new ModelCheckpoint('{oops}.keras');
    unformattable.setModel(model);
    await expect(unformattable.onEpochEnd(0, { loss: 1 })).rejects.toThrow(
      /Failed to format this callback filepath: "\{oops\}.keras". Reason: .*no value for \{oops\} \(available: epoch, loss\)/,
    );
  });

  it('keeps the best model of a real run; loading it gives the best epoch back', async () => {
    setRandomSeed(4);
    const model = new Sequential([new Dense(4, { activation: 'tanh', inputShape: [2] }), new Dense(1)]);
    model.compile({ optimizer: new Adam({ learningRate: 0.05 }), loss: 'mse' });
    const x = tensor([
      [0, 1],
      [1, 0],
      [1, 1],
      [0, 0],
      [0.5, 0.2],
      [0.3, 0.9],
    ]);
    const y = tensor([[1], [1], [0], [0], [0.7], [0.8]]);
    const path = join(dir, 'run', 'best-{epoch:02d}.keras');
    const checkpoint = new ModelCheckpoint(path, { monitor: 'loss', saveBestOnly: true });
    const weights: number[][] = [];
    const record = new LambdaCallback({
      onEpochEnd: () => void weights.push(model.getWeights().flatMap((w) => Array.from(w.dataSync()))),
    });
    const history = await model.fit(x, y, {
      epochs: 6,
      batchSize: 6,
      verbose: 0,
      callbacks: [record, checkpoint],
    });
    const losses = history.history.loss!;
    const improved = losses.map((l, i) => losses.slice(0, i).every((p) => l < p));
    const files = readdirSync(join(dir, 'run')).sort();
    expect(files).toEqual(
      improved.flatMap((ok, i) => (ok ? [`best-${String(i + 1).padStart(2, '0')}.keras`] : [])),
    );
    const best = losses.indexOf(Math.min(...losses));
    const restored = await loadModel(join(dir, 'run', files[files.length - 1]!));
    expect(restored.getWeights().flatMap((w) => Array.from(w.dataSync()))).toEqual(weights[best]);
  });
});
