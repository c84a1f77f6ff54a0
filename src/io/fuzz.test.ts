import fs, { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Dense } from '../layers/dense.js';
import { LSTM } from '../layers/rnn/lstm.js';
import type { Model } from '../models/model.js';
import { Sequential } from '../models/sequential.js';
import { tensor } from '../ops/core.js';
import { Adam } from '../optimizers/index.js';
import { setRandomSeed } from '../random/index.js';
import { RandomState } from '../random/random-state.js';
import type { Tensor } from '../tensor/tensor.js';
import { flipOrTruncate, mutate } from '../test-utils/mutate.js';
import { loadModel, loadWeights, ModelFileError } from './index.js';

/**
 * Seeded damage to Tensile-written model files. Every outcome must be a load or a ModelFileError:
 * never another exception, HDF5-DIAG or Emscripten output on stderr, a hang, or a runaway
 * allocation. A `.keras` archive is CRC-protected end to end, so a load that succeeds must give the
 * very same weights and predictions. HDF5 files (.h5, .weights.h5) carry no checksum over their
 * data: a flipped bit inside a weight array loads as a different number, which no reader can
 * notice; for them the test holds the rest (no crash, our error, nothing printed).
 */
// HDF5 prints its diagnostics through Emscripten's file descriptor 2, which is fs.writeSync(2, ...)
// in Node; Emscripten's own messages ("Aborted(...)") go through console.error.
const printed = (['error', 'warn', 'log'] as const).map((m) => vi.spyOn(console, m));
const stderr = vi.spyOn(process.stderr, 'write');
const terminal: string[] = [];
const writeSync = fs.writeSync;
fs.writeSync = ((fd: number, data: string | Uint8Array, ...rest: never[]) => {
  // Only a short excerpt is kept: HDF5 passes views of its whole wasm heap here.
  if (fd === 1 || fd === 2)
    terminal.push(typeof data === 'string' ? data.slice(0, 200) : `${data.length} bytes`);
  return writeSync(fd, data as Uint8Array, ...rest);
}) as typeof fs.writeSync;
const dir = mkdtempSync(join(tmpdir(), 'tensile-fuzz-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const spy of [...printed, stderr]) spy.mockRestore();
  fs.writeSync = writeSync;
});

const x = tensor(
  Float32Array.from({ length: 5 * 4 * 2 }, (_, i) => Math.sin(i * 0.7)),
  [5, 4, 2],
);
const y = tensor(
  Float32Array.from({ length: 10 }, (_, i) => (i % 2 === Math.floor(i / 2) % 2 ? 1 : 0)),
  [5, 2],
);

function build(): Sequential {
  const m = new Sequential([new LSTM(3, { inputShape: [4, 2] }), new Dense(2, { activation: 'softmax' })]);
  m.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'categorical_crossentropy' });
  return m;
}

const values = (ts: Tensor[]) => ts.map((t) => Array.from(t.dataSync()));
let original: Sequential;
const files: Record<string, Uint8Array> = {};

beforeAll(async () => {
  setRandomSeed(3);
  original = build();
  await original.fit(x, y, { epochs: 1, batchSize: 5, verbose: 0 });
  for (const name of ['m.keras', 'm.h5']) await original.save(join(dir, name));
  await original.saveWeights(join(dir, 'm.weights.h5'));
  for (const name of ['m.keras', 'm.h5', 'm.weights.h5']) files[name] = readFileSync(join(dir, name));
});

/** Loads `bytes` as `name` would be loaded; returns the model, or the ModelFileError. */
async function load(name: string, bytes: Uint8Array, c: number): Promise<Model | ModelFileError> {
  const path = join(dir, `case-${c}-${name}`);
  writeFileSync(path, bytes);
  try {
    if (name.endsWith('.weights.h5')) {
      const m = build();
      m.predict(x);
      await loadWeights(m, path);
      return m;
    }
    return await loadModel(path);
  } catch (e) {
    if (e instanceof ModelFileError) {
      expect(e.message, `case ${c} (${name})`).toContain(path);
      return e;
    }
    throw new Error(`case ${c} (${name}): ${(e as Error).name}: ${(e as Error).message}`);
  } finally {
    rmSync(path, { force: true });
  }
}

describe('damaged model files', () => {
  it.each([
    ['m.keras', 700],
    ['m.h5', 350],
    ['m.weights.h5', 350],
  ])(
    '%s: %i seeded flips and truncations load identically or fail with ModelFileError',
    async (name, cases) => {
      const rng = new RandomState(20261202);
      for (const spy of [...printed, stderr]) spy.mockClear();
      terminal.length = 0;
      const counts = { loaded: 0, rejected: 0 };
      const rssBefore = process.memoryUsage().rss;
      for (let c = 0; c < cases; c++) {
        const bytes = c % 2 === 0 ? flipOrTruncate(files[name]!, rng) : mutate(files[name]!, rng);
        const t0 = performance.now();
        const outcome = await load(name, bytes, c);
        expect(performance.now() - t0, `case ${c} took too long`).toBeLessThan(5000);
        if (outcome instanceof ModelFileError) {
          counts.rejected++;
          continue;
        }
        counts.loaded++;
        if (name.endsWith('.keras')) {
          // Nothing silently different: same weights, same predictions as the model that was saved.
          expect(values(outcome.getWeights()), `case ${c}`).toEqual(values(original.getWeights()));
          expect(Array.from((outcome.predict(x) as Tensor).dataSync()), `case ${c}`).toEqual(
            Array.from(original.predict(x).dataSync()),
          );
        }
      }
      // Nothing printed: HDF5's diagnostics and aborts became the ModelFileErrors counted above.
      for (const spy of [...printed, stderr]) expect(spy).not.toHaveBeenCalled();
      expect(terminal).toEqual([]);
      expect(counts.rejected).toBeGreaterThan(cases / 3);
      // Lying size fields must not make HDF5 or the zip reader allocate what the file cannot hold.
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(512 * 2 ** 20);
      // HDF5 survived every damaged file: the intact one still loads with the same predictions.
      const again = await load(name, files[name]!, -1);
      if (again instanceof ModelFileError) throw again;
      expect(Array.from((again.predict(x) as Tensor).dataSync())).toEqual(
        Array.from(original.predict(x).dataSync()),
      );
    },
    60_000,
  );
});
