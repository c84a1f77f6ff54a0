import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8 } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { BatchNormalization } from '../layers/batch-normalization.js';
import { Dense } from '../layers/dense.js';
import { Dropout } from '../layers/dropout.js';
import { Sequential } from '../models/sequential.js';
import { Adam, SGD } from '../optimizers/index.js';
import { readH5 } from './hdf5.js';
import { readKerasZip } from './keras-format.js';
import { kerasJson } from './keras-json.js';

const dir = mkdtempSync(join(tmpdir(), 'tensile-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kerasJson', () => {
  it('writes the float settings of known classes as Python floats, the rest as JSON.stringify does', () => {
    // Python: json.dumps({"class_name": "SGD", "config": {"momentum": 0.0, "learning_rate": 1.0, "epsilon": 1e-07}})
    const sgd = {
      class_name: 'SGD',
      config: { momentum: 0, learning_rate: 1, epsilon: 1e-7, nesterov: false },
    };
    expect(kerasJson(sgd)).toBe(
      '{"class_name":"SGD","config":{"momentum":0.0,"learning_rate":1.0,"epsilon":1e-7,"nesterov":false}}',
    );
    const dense = { class_name: 'Dense', config: { units: 2, momentum: 0, shape: [null, 3] } };
    expect(kerasJson(dense)).toBe(JSON.stringify(dense)); // Dense has no float settings
    const init = { class_name: 'Constant', config: { value: 2 } };
    expect(kerasJson({ layers: [{ class_name: 'Dense', config: { kernel_initializer: init } }] })).toContain(
      '"value":2.0',
    );
    expect(JSON.parse(kerasJson(sgd))).toEqual(sgd);
  });
});

describe('saved files write float settings as floats (Keras refuses "momentum": 0)', () => {
  const model = (opt: SGD | Adam) => {
    const m = new Sequential([
      new Dense(2, { inputShape: [3] }),
      new BatchNormalization({ momentum: 1 }),
      new Dropout(0),
    ]);
    m.compile({ optimizer: opt, loss: 'mse' });
    return m;
  };

  it('.keras config.json', async () => {
    const path = join(dir, 'sgd.keras');
    await model(new SGD()).save(path);
    const text = strFromU8(readKerasZip(path)['config.json']!);
    expect(text).toContain('"momentum":0.0,"nesterov":false');
    expect(text).toContain('"rate":0.0');
    expect(text).toContain('"momentum":1.0,"epsilon":0.001');
    expect(text).not.toMatch(/"(momentum|learning_rate|rate)":\d+[,}]/);
  });

  it('legacy .h5 model_config and training_config attributes', async () => {
    const path = join(dir, 'adam.h5');
    await model(new Adam({ learningRate: 1 })).save(path);
    const [modelConfig, training] = await readH5(path, path, (r) => [
      r.text('', 'model_config')!,
      r.text('', 'training_config')!,
    ]);
    expect(training).toContain('"learning_rate":1.0');
    expect(training).toContain('"beta_1":0.9');
    expect(modelConfig).toContain('"rate":0.0');
  });
});
