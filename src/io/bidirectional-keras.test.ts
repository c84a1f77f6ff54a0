import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import type { Model } from '../models/model.js';
import { tensor } from '../ops/core.js';
import type { Tensor } from '../tensor/tensor.js';
import { readH5Bytes, writeH5 } from './hdf5.js';
import { loadModel, saveModel } from './index.js';
import { kerasWeights } from './weights.js';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'tensile-bidi-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// x = (np.arange(16).reshape(2, 4, 2) - 8) / 5; expected: the numpy forward pass printed by
// src/io/fixtures/make_bidirectional_fixture.py (forward LSTM's last h, then the backward one's, on
// the reversed steps; concat; Dense(1, sigmoid)).
const x = () =>
  tensor(
    Float32Array.from({ length: 16 }, (_, i) => (i - 8) / 5),
    [2, 4, 2],
  );
const EXPECTED = [0.18333797126871895, 0.37404874966980467];
const predict = (m: Model) => Array.from((m.predict(x()) as Tensor).dataSync());

/** Every group and dataset path of the model.weights.h5 inside a .keras file. */
async function weightPaths(path: string): Promise<string[]> {
  const h5 = unzipSync(readFileSync(path))['model.weights.h5']!;
  return readH5Bytes(h5, path, (r) => {
    const out: string[] = [];
    const walk = (p: string) => {
      for (const k of r.keys(p)) {
        const child = p === '/' ? k : `${p}/${k}`;
        out.push(child);
        if (r.isGroup(child)) walk(child);
      }
    };
    walk('/');
    return out.sort();
  });
}

describe('Bidirectional in .keras files', () => {
  it("loads Keras 3's layout: forward_layer/cell/vars and backward_layer/cell/vars", async () => {
    const model = await loadModel(fixture('keras3_bidirectional.keras'));
    const got = predict(model);
    for (const [i, v] of got.entries()) expect(v).toBeCloseTo(EXPECTED[i]!, 5);
  });

  it('writes that layout, and reads back what it wrote', async () => {
    const model = await loadModel(fixture('keras3_bidirectional.keras'));
    const path = join(dir, 'saved.keras');
    await saveModel(model, path);
    const layer = (p: string) => p.startsWith('layers/bidirectional');
    expect((await weightPaths(path)).filter(layer)).toEqual([
      'layers/bidirectional',
      'layers/bidirectional/backward_layer',
      'layers/bidirectional/backward_layer/cell',
      'layers/bidirectional/backward_layer/cell/vars',
      'layers/bidirectional/backward_layer/cell/vars/0',
      'layers/bidirectional/backward_layer/cell/vars/1',
      'layers/bidirectional/backward_layer/cell/vars/2',
      'layers/bidirectional/backward_layer/vars',
      'layers/bidirectional/forward_layer',
      'layers/bidirectional/forward_layer/cell',
      'layers/bidirectional/forward_layer/cell/vars',
      'layers/bidirectional/forward_layer/cell/vars/0',
      'layers/bidirectional/forward_layer/cell/vars/1',
      'layers/bidirectional/forward_layer/cell/vars/2',
      'layers/bidirectional/forward_layer/vars',
      'layers/bidirectional/vars',
    ]);
    expect(predict(await loadModel(path))).toEqual(predict(model));
  });

  it('still reads the flat layers/bidirectional/vars/0..5 that earlier Tensile versions wrote', async () => {
    const model = await loadModel(fixture('keras3_bidirectional.keras'));
    const h5 = join(dir, 'flat.weights.h5');
    await writeH5(h5, (w) => {
      w.group('vars');
      model.layers.forEach((l, i) => {
        const path = i === 0 ? 'layers/bidirectional/vars' : 'layers/dense/vars';
        w.group(path);
        kerasWeights(l).forEach((weight, k) => {
          w.dataset(`${path}/${k}`, weight.variable.dataSync() as Float32Array, weight.variable.shape);
        });
      });
    });
    const members = unzipSync(readFileSync(fixture('keras3_bidirectional.keras')));
    const flat = join(dir, 'flat.keras');
    const zip = zipSync({ ...members, 'model.weights.h5': readFileSync(h5) }, { level: 0 });
    writeFileSync(flat, zip);
    expect(await weightPaths(flat)).toContain('layers/bidirectional/vars/5');
    const got = predict(await loadModel(flat));
    for (const [i, v] of got.entries()) expect(v).toBeCloseTo(EXPECTED[i]!, 5);
  });

  it('names the missing group when a sub-layer has no weights', async () => {
    const members = unzipSync(readFileSync(fixture('keras3_bidirectional.keras')));
    const h5 = join(dir, 'half.weights.h5');
    await writeH5(h5, (w) => {
      w.group('vars');
      w.group('layers/bidirectional/vars');
      w.group('layers/bidirectional/forward_layer/vars');
      w.group('layers/dense/vars');
    });
    const path = join(dir, 'half.keras');
    writeFileSync(path, zipSync({ ...members, 'model.weights.h5': readFileSync(h5) }, { level: 0 }));
    await expect(loadModel(path)).rejects.toThrow(/layers\/bidirectional\/forward_layer\/cell\/vars/);
  });
});
