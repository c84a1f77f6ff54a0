import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { Bidirectional } from '../layers/bidirectional.js';
import { Input } from '../layers/input-layer.js';
import { Concatenate } from '../layers/merge/concatenate.js';
import { GRU } from '../layers/rnn/gru.js';
import { LSTM } from '../layers/rnn/lstm.js';
import { Model } from '../models/model.js';
import { tensor } from '../ops/core.js';
import { setRandomSeed } from '../random/global.js';
import type { Tensor } from '../tensor/tensor.js';
import { readH5Bytes } from './hdf5.js';
import { loadModel, saveModel } from './index.js';

// Seq2seq files (an encoder LSTM's states as a decoder LSTM's initial_state), written as Keras 3 and
// tf.keras 2 write them by src/io/fixtures/make_seq2seq_fixtures.py, which also computes the expected
// outputs with numpy (float64) from the same weights.

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const expected = JSON.parse(readFileSync(fixture('seq2seq_expected.json'), 'utf8')) as {
  encoder_x: number[][][];
  decoder_x: number[][][];
  probs: number[][][];
  h: number[][];
};
const dir = mkdtempSync(join(tmpdir(), 'tensile-seq2seq-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const inputs = () => [tensor(expected.encoder_x), tensor(expected.decoder_x)];
const flat = (t: Tensor) => Array.from(t.dataSync());

function expectPredictions(model: Model): void {
  const [probs, h] = model.predict(inputs()) as Tensor[];
  const want = [expected.probs.flat(2), expected.h.flat()];
  for (const [i, got] of [flat(probs!), flat(h!)].entries())
    got.forEach((v, j) => {
      expect(Math.abs(v - want[i]![j]!), `output ${i} element ${j}`).toBeLessThan(1e-5);
    });
}

/** The config.json inside a .keras file, or the model_config of a legacy .h5. */
async function savedConfig(path: string): Promise<Record<string, unknown>> {
  if (path.endsWith('.keras'))
    return JSON.parse(new TextDecoder().decode(unzipSync(readFileSync(path))['config.json']!));
  const text = await readH5Bytes(readFileSync(path), path, (r) => r.text('/', 'model_config')!);
  return JSON.parse(text);
}

const layerEntry = (config: Record<string, unknown>, name: string) =>
  (config.config as { layers: Record<string, unknown>[] }).layers.find((l) => l.name === name)!;

describe('seq2seq models in Keras files', () => {
  for (const file of ['keras3_seq2seq.keras', 'keras2_seq2seq.h5']) {
    it(`loads ${file} (initial_state as Keras writes it) and predicts what numpy computes`, async () => {
      const model = await loadModel(fixture(file));
      expect(model.outputs.map(String)).toEqual(['dense[0][0]', 'lstm[0][1]']);
      expect(model.getLayer('lstm_1').inboundNodes[0]!.initialState.map(String)).toEqual([
        'lstm[0][1]',
        'lstm[0][2]',
      ]);
      expectPredictions(model);
    });
  }

  it("writes initial_state as Keras 3's kwargs and Keras 2's extra inbound tensors, and reads both back", async () => {
    const model = await loadModel(fixture('keras3_seq2seq.keras'));
    const keras = join(dir, 'seq2seq.keras');
    const h5 = join(dir, 'seq2seq.h5');
    await saveModel(model, keras);
    await saveModel(model, h5);
    const decoder3 = layerEntry(await savedConfig(keras), 'lstm_1');
    const history = (t: { config: { keras_history: unknown } }) => t.config.keras_history;
    const node3 = (decoder3.inbound_nodes as { args: unknown[]; kwargs: { initial_state: never[] } }[])[0]!;
    expect(node3.kwargs.initial_state.map(history)).toEqual([
      ['lstm', 0, 1],
      ['lstm', 0, 2],
    ]);
    expect(node3.args.map((t) => history(t as never))).toEqual([['input_layer_1', 0, 0]]);
    expect(decoder3.build_config).toEqual({
      shapes_dict: {
        sequences_shape: [null, 3, 2],
        initial_state_shape: [
          [null, 3],
          [null, 3],
        ],
      },
    });
    const decoder2 = layerEntry(await savedConfig(h5), 'lstm_1');
    expect(decoder2.inbound_nodes).toEqual([
      [
        ['input_layer_1', 0, 0, {}],
        ['lstm', 0, 1, {}],
        ['lstm', 0, 2, {}],
      ],
    ]);
    for (const path of [keras, h5]) expectPredictions(await loadModel(path));
  });

  it('round-trips a Bidirectional encoder whose four states start a Bidirectional decoder', async () => {
    setRandomSeed(3);
    const x = Input({ shape: [4, 3] });
    const [, ...states] = new Bidirectional(new LSTM(2, { returnState: true })).apply(x);
    const y = Input({ shape: [3, 2] });
    const out = new Bidirectional(new GRU(2, { returnSequences: true }), { name: 'dec' });
    expect(() => out.apply(y, { initialState: states })).toThrow(/initialState must hold 2 states/);
    const seq = new Bidirectional(new LSTM(2, { returnSequences: true }), { name: 'decoder' }).apply(y, {
      initialState: states,
    });
    const model = new Model({ inputs: [x, y], outputs: seq });
    const data = inputs();
    const before = flat(model.predict(data) as Tensor);
    for (const name of ['bi.keras', 'bi.h5']) {
      const path = join(dir, name);
      await saveModel(model, path);
      const loaded = await loadModel(path);
      expect(loaded.getLayer('decoder').inboundNodes[0]!.stateInputs).toBe(4);
      const after = flat(loaded.predict(data) as Tensor);
      after.forEach((v, i) => {
        expect(v).toBeCloseTo(before[i]!, 6);
      });
    }
  });
});

describe('Bidirectional with mergeMode null (two outputs) in graphs and files', () => {
  it('gives [forward, backward, ...states]; Concatenate on them equals mergeMode concat; round-trips', async () => {
    setRandomSeed(8);
    const x = Input({ shape: [4, 3] });
    const both = new Bidirectional(new LSTM(2, { returnSequences: true, returnState: true }), {
      mergeMode: null,
      name: 'both',
    });
    const [fwd, bwd, ...states] = both.apply(x);
    expect([fwd, bwd, ...states].map((t) => t.shape)).toEqual([
      [null, 4, 2],
      [null, 4, 2],
      [null, 2],
      [null, 2],
      [null, 2],
      [null, 2],
    ]);
    const joined = new Concatenate().apply([fwd!, bwd!]);
    const model = new Model({ inputs: x, outputs: [joined, states[2]!] });
    const concat = new Bidirectional(new LSTM(2, { returnSequences: true, returnState: true }));
    concat.apply(tensor(expected.encoder_x));
    concat.setWeights(both.getWeights());
    const [want, , , hb] = concat.apply(tensor(expected.encoder_x));
    const [got, gotHb] = model.predict(tensor(expected.encoder_x)) as Tensor[];
    expect(flat(got!)).toEqual(flat(want!));
    expect(flat(gotHb!)).toEqual(flat(hb!));
    expect(model.summary({ print: false })).toContain('[(None, 4, 2),');
    for (const name of ['both.keras', 'both.h5']) {
      const path = join(dir, name);
      await saveModel(model, path);
      const loaded = await loadModel(path);
      expect(loaded.outputs.map(String)).toEqual(['concatenate[0][0]', 'both[0][4]']);
      const [again] = loaded.predict(tensor(expected.encoder_x)) as Tensor[];
      expect(flat(again!)).toEqual(flat(got!));
    }
  });
});
