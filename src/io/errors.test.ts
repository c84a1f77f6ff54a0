import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { Dense } from '../layers/dense.js';
import { Sequential } from '../models/sequential.js';
import { loadModel, loadWeights, ModelFileError, saveModel, saveWeights } from './index.js';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'tensile-io-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// biome-ignore lint/suspicious/noExplicitAny: edits reach deep into an untyped Keras config
type Config = Record<string, any>;

/** A copy of the Keras 3 fixture with its config.json edited or members dropped. */
function editedKeras(name: string, edit: (config: Config) => void, drop: string[] = []): string {
  const members = unzipSync(readFileSync(fixture('keras3_mlp.keras')));
  const config = JSON.parse(strFromU8(members['config.json']!));
  edit(config);
  members['config.json'] = strToU8(JSON.stringify(config));
  for (const d of drop) delete members[d];
  const path = join(dir, name);
  writeFileSync(path, zipSync(members, { level: 0 }));
  return path;
}

async function error(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(ModelFileError);
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('clear errors for bad model files', () => {
  it('unknown layer class: names the file, the class, the layer and what can be loaded', async () => {
    const path = editedKeras('conv.keras', (c) => {
      c.config.layers[1].class_name = 'DepthwiseConv2D';
    });
    const e = await error(loadModel(path));
    expect(e.message).toContain(path);
    expect(e.message).toMatch(
      /unknown layer class 'DepthwiseConv2D' \(layer 'dense'\); Tensile can load: Dense, Activation/,
    );
    expect(e.message).toContain('customObjects');
  });

  it('weight-shape mismatch: names the file, layer, weight and both shapes', async () => {
    const path = editedKeras('wide.keras', (c) => {
      c.config.layers[1].config.units = 5;
    });
    const e = await error(loadModel(path));
    expect(e.message).toBe(
      `${path} (model.weights.h5): layer 'dense' (Dense) weight 'kernel': the file has shape [4,3] at 'layers/dense/vars/0', the model expects [4,5]`,
    );
    const model = new Sequential([new Dense(2, { inputShape: [4] })]);
    const legacy = await error(loadWeights(model, fixture('keras3_legacy.h5')));
    expect(legacy.message).toMatch(
      /keras3_legacy\.h5: the model has 1 layers with weights \(dense\w*\) but the file has 3/,
    );
    const bad = new Sequential([new Dense(5, { inputShape: [3] }), new Dense(1), new Dense(1)]);
    const shape = await error(loadWeights(bad, fixture('keras3_legacy.h5')));
    expect(shape.message).toMatch(
      /weight 'kernel': the file has shape \[4,5\] at 'model_weights\/dense_2\/dense_2\/kernel', the model expects \[3,5\]/,
    );
  });

  it('weight-count mismatch: names the layer, its weights and where the file keeps them', async () => {
    const model = new Sequential([new Dense(3, { inputShape: [4], useBias: false }), new Dense(2)]);
    const e = await error(loadWeights(model, fixture('keras3_mlp.weights.h5')));
    expect(e.message).toMatch(
      /layer 'dense\w*' \(Dense\) has 1 weights \(kernel\) but the file has 2 at 'layers\/dense\/vars'/,
    );
  });

  it('truncated or non-HDF5 files are recognized before HDF5 sees them', async () => {
    const bytes = readFileSync(fixture('keras3_legacy.h5'));
    const cut = join(dir, 'cut.h5');
    writeFileSync(cut, bytes.subarray(0, bytes.length >> 1));
    expect((await error(loadModel(cut))).message).toMatch(
      /cut\.h5: truncated HDF5 file \(11800 bytes, the superblock says 23600\)/,
    );
    const text = join(dir, 'text.h5');
    writeFileSync(text, 'model weights, trust me');
    expect((await error(loadModel(text))).message).toBe(
      `${text}: neither a .keras zip archive (starts with 50 4b 03 04) nor an HDF5 file (89 48 44 46 0d 0a 1a 0a); it starts with 6d 6f 64 65 6c 20 77 65`,
    );
    expect((await error(loadModel(join(dir, 'missing.h5')))).message).toMatch(/missing\.h5: file not found/);
  });

  it('damaged or incomplete .keras archives name the missing member', async () => {
    const noWeights = editedKeras('noweights.keras', () => {}, ['model.weights.h5']);
    expect((await error(loadModel(noWeights))).message).toBe(
      `${noWeights}: the archive has no 'model.weights.h5' member; it holds: metadata.json, config.json`,
    );
    const noConfig = editedKeras('noconfig.keras', () => {}, ['config.json']);
    expect((await error(loadModel(noConfig))).message).toMatch(
      /noconfig\.keras: the archive has no 'config\.json' member/,
    );
    const bytes = readFileSync(fixture('keras3_mlp.keras'));
    const cut = join(dir, 'cut.keras');
    writeFileSync(cut, bytes.subarray(0, 5000));
    expect((await error(loadModel(cut))).message).toMatch(/cut\.keras: damaged \.keras zip archive/);
    const h5inKeras = join(dir, 'weights-only.h5');
    writeFileSync(h5inKeras, readFileSync(fixture('keras3_mlp.weights.h5')));
    expect((await error(loadModel(h5inKeras))).message).toMatch(
      /no 'model_config' attribute; a weights-only file loads with model.loadWeights/,
    );
  });

  it('file names must say which format to write', async () => {
    const model = new Sequential([new Dense(1, { inputShape: [2] })]);
    expect((await error(saveModel(model, join(dir, 'm.bin')))).message).toMatch(
      /expected a file name ending in \.keras .* or \.h5/,
    );
    expect((await error(saveModel(model, join(dir, 'm.weights.h5')))).message).toMatch(/use|saveWeights/);
    expect((await error(saveWeights(model, join(dir, 'm.h5')))).message).toMatch(/must end in \.weights\.h5/);
  });
});
