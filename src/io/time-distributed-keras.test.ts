import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { Dense } from '../layers/dense.js';
import { Input } from '../layers/input-layer.js';
import { LSTM } from '../layers/rnn/lstm.js';
import { TimeDistributed } from '../layers/time-distributed.js';
import type { Model } from '../models/model.js';
import { Sequential } from '../models/sequential.js';
import { tensor } from '../ops/core.js';
import type { Tensor } from '../tensor/tensor.js';
import { readH5Bytes } from './hdf5.js';
import { loadModel, saveModel } from './index.js';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'tensile-td-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// x = (np.arange(16).reshape(2, 4, 2) - 8) / 5; expected: np.tanh(x @ kernel + bias), printed by
// src/io/fixtures/make_time_distributed_fixtures.py (the same weights in both fixtures).
const x = () =>
  tensor(
    Float32Array.from({ length: 16 }, (_, i) => (i - 8) / 5),
    [2, 4, 2],
  );
const EXPECTED = [
  -0.5234763622283936, 0.93974369764328, 0.7787231206893921, -0.5763323903083801, 0.8584954738616943,
  0.7620283365249634, -0.6247696280479431, 0.6854585409164429, 0.7442550659179688, -0.6688326001167297,
  0.37229228019714355, 0.7253612875938416, -0.7086489796638489, -0.057113125920295715, 0.7053074836730957,
  -0.7444114685058594, -0.4663786292076111, 0.6840575933456421, -0.7763588428497314, -0.7414486408233643,
  0.6615793704986572, -0.8047598004341125, -0.8857715725898743, 0.6378459334373474,
];
const predict = (m: Model, input = x()) => Array.from((m.predict(input) as Tensor).dataSync());

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

describe('TimeDistributed in Keras files', () => {
  it("loads Keras 3's .keras layout (layers/time_distributed/layer/vars) and tf.keras 2's legacy .h5", async () => {
    for (const name of ['keras3_time_distributed.keras', 'keras2_time_distributed.h5']) {
      const model = await loadModel(fixture(name));
      expect(model.layers.map((l) => l.className)).toEqual(['TimeDistributed']);
      const got = predict(model);
      for (const [i, v] of got.entries()) expect(v).toBeCloseTo(EXPECTED[i]!, 5);
    }
  });

  it('writes that layout and reads back what it wrote, recurrent layers too', async () => {
    const model = await loadModel(fixture('keras3_time_distributed.keras'));
    const path = join(dir, 'saved.keras');
    await saveModel(model, path);
    expect((await weightPaths(path)).filter((p) => p.startsWith('layers/'))).toEqual([
      'layers/time_distributed',
      'layers/time_distributed/layer',
      'layers/time_distributed/layer/vars',
      'layers/time_distributed/layer/vars/0',
      'layers/time_distributed/layer/vars/1',
      'layers/time_distributed/vars',
    ]);
    const config = JSON.parse(new TextDecoder().decode(unzipSync(readFileSync(path))['config.json']));
    expect(config.config.layers[1].config.layer).toMatchObject({ class_name: 'Dense', config: { units: 3 } });
    expect(predict(await loadModel(path))).toEqual(predict(model));

    // TimeDistributed(LSTM) over [batch, outer steps, inner steps, features], in both formats.
    const rnn = new Sequential([Input({ shape: [3, 5, 2] }), new TimeDistributed(new LSTM(4)), new Dense(1)]);
    const x4 = tensor(
      Float32Array.from({ length: 2 * 3 * 5 * 2 }, (_, i) => Math.cos(i)),
      [2, 3, 5, 2],
    );
    for (const file of ['rnn.keras', 'rnn.h5']) {
      await saveModel(rnn, join(dir, file));
      expect(predict(await loadModel(join(dir, file)), x4)).toEqual(predict(rnn, x4));
    }
    expect((await weightPaths(join(dir, 'rnn.keras'))).filter((p) => p.includes('cell/vars/'))).toEqual([
      'layers/time_distributed/layer/cell/vars/0',
      'layers/time_distributed/layer/cell/vars/1',
      'layers/time_distributed/layer/cell/vars/2',
    ]);
  });
});
