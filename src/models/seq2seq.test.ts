import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Adam,
  clearSession,
  Dense,
  Embedding,
  Input,
  LSTM,
  loadModel,
  Model,
  Sequential,
  saveModel,
  setRandomSeed,
  type Tensor,
  TimeDistributed,
  tensor,
} from '../index.js';

// The Keras seq2seq pattern: an encoder LSTM with returnState hands its final states to a decoder
// LSTM as initialState; the decoder's sequence goes through a softmax Dense per step.

const [SRC, TGT, VOCAB, UNITS] = [5, 4, 7, 8];

function seq2seq() {
  const encIn = Input({ shape: [SRC], name: 'enc_in' });
  const decIn = Input({ shape: [TGT], name: 'dec_in' });
  const encoder = new LSTM(UNITS, { returnState: true, name: 'encoder' });
  const [, h, c] = encoder.apply(new Embedding(VOCAB, 6, { name: 'enc_emb' }).apply(encIn));
  const decEmb = new Embedding(VOCAB, 6, { name: 'dec_emb' }).apply(decIn);
  const dec = new LSTM(UNITS, { returnSequences: true, name: 'decoder' }).apply(decEmb, {
    initialState: [h!, c!],
  });
  const probs = new TimeDistributed(new Dense(VOCAB, { activation: 'softmax' }), { name: 'head' }).apply(dec);
  return {
    model: new Model({ inputs: [encIn, decIn], outputs: probs, name: 'seq2seq' }),
    encoder,
    h: h!,
    c: c!,
  };
}

/** A copy task: the decoder must emit the source's first TGT tokens, so it needs the encoder's states. */
function data(n: number) {
  const src = Array.from({ length: n }, (_, i) =>
    Array.from({ length: SRC }, (_, t) => 1 + ((i * 3 + t * 5) % (VOCAB - 1))),
  );
  const tgt = src.map((row) => row.slice(0, TGT));
  const decoderIn = tgt.map((row) => [0, ...row.slice(0, TGT - 1)]);
  return {
    x: [tensor(src, undefined, 'int32'), tensor(decoderIn, undefined, 'int32')],
    y: tensor(tgt, undefined, 'int32'),
  };
}

const values = (t: Tensor) => Array.from(t.dataSync());

describe('a seq2seq Functional model (encoder states → decoder initialState)', () => {
  it('fits, predicts and evaluates; training moves the encoder (gradients flow through the states)', async () => {
    clearSession();
    setRandomSeed(11);
    const { model, encoder } = seq2seq();
    model.compile({
      optimizer: new Adam({ learningRate: 0.02 }),
      loss: 'sparse_categorical_crossentropy',
      metrics: ['accuracy'],
    });
    const { x, y } = data(32);
    const encoderKernel = values(encoder.weights[0]!);
    const before = model.evaluate(x, y) as number[];
    const history = await model.fit(x, y, { epochs: 15, batchSize: 8, verbose: 0 });
    const after = model.evaluate(x, y) as number[];
    expect(after[0]!).toBeLessThan(before[0]! * 0.5);
    expect(history.history.loss!.length).toBe(15);
    // Only the states connect the encoder to the loss: if they carried no gradient it would not move.
    expect(values(encoder.weights[0]!)).not.toEqual(encoderKernel);
    const pred = model.predict(x) as Tensor;
    expect(pred.shape).toEqual([32, TGT, VOCAB]);
  });

  it("shows the states' connections in summary, Keras style", () => {
    clearSession();
    const { model } = seq2seq();
    const text = model.summary({ print: false });
    // Keras prints every input of the call (the states too) and the list of the encoder's outputs.
    expect(text).toContain(
      [
        '│ encoder (LSTM)      │ [(None, 8),       │        480 │ enc_emb[0][0]     │',
        '│                     │ (None, 8), (None, │            │                   │',
        '│                     │ 8)]               │            │                   │',
      ].join('\n'),
    );
    expect(text).toContain(
      [
        '│ decoder (LSTM)      │ (None, 4, 8)      │        480 │ dec_emb[0][0],    │',
        '│                     │                   │            │ encoder[0][1],    │',
        '│                     │                   │            │ encoder[0][2]     │',
      ].join('\n'),
    );
  });

  it('builds sub-models to intermediate outputs: the encoder states equal an eager run', () => {
    clearSession();
    setRandomSeed(12);
    const { model, encoder, h, c } = seq2seq();
    const states = new Model({ inputs: model.inputs[0]!, outputs: [h, c] });
    const { x } = data(3);
    const [hs, cs] = states.predict(x[0]!) as Tensor[];
    const emb = model.getLayer('enc_emb');
    const [, h2, c2] = encoder.apply(emb.apply(x[0]!));
    expect(values(hs!)).toEqual(values(h2!));
    expect(values(cs!)).toEqual(values(c2!));
    // The whole encoder output list as outputs (nested lists are flattened, as in Keras).
    const all = new Model({ inputs: model.inputs[0]!, outputs: [encoder.output as never] });
    expect(all.outputs.map(String)).toEqual(['encoder[0][0]', 'encoder[0][1]', 'encoder[0][2]']);
  });

  it("runs Keras' inference setup: the shared decoder called again on state Inputs, one step at a time", async () => {
    clearSession();
    setRandomSeed(13);
    // keras.io's lstm_seq2seq: the decoder returns its states too, and is called a second time.
    const encIn = Input({ shape: [SRC, 3], name: 'enc_in' });
    const decIn = Input({ shape: [null, 2], name: 'dec_in' });
    const [, h, c] = new LSTM(UNITS, { returnState: true, name: 'encoder' }).apply(encIn);
    const decoder = new LSTM(UNITS, { returnSequences: true, returnState: true, name: 'decoder' });
    const [seq] = decoder.apply(decIn, { initialState: [h!, c!] });
    const head = new Dense(4, { activation: 'softmax', name: 'head' });
    const training = new Model({ inputs: [encIn, decIn], outputs: head.apply(seq!) });
    const encoderModel = new Model({ inputs: encIn, outputs: [h!, c!] });
    const hIn = Input({ shape: [UNITS], name: 'h_in' });
    const cIn = Input({ shape: [UNITS], name: 'c_in' });
    const [stepSeq, h2, c2] = decoder.apply(decIn, { initialState: [hIn, cIn] });
    const decoderModel = new Model({ inputs: [decIn, hIn, cIn], outputs: [head.apply(stepSeq!), h2!, c2!] });
    expect(decoder.inboundNodes.length).toBe(2);
    expect(() => decoder.output).toThrow(/called in 2 places/);
    expect(decoder.getOutputAt(1).map(String)).toEqual(['decoder[1][0]', 'decoder[1][1]', 'decoder[1][2]']);
    const wave = (n: number, s: number) => Array.from({ length: n }, (_, i) => 0.5 * Math.sin(s + 1.3 * i));
    const xEnc = tensor(wave(2 * SRC * 3, 1), [2, SRC, 3]);
    const xDec = tensor(wave(2 * 3 * 2, 2), [2, 3, 2]);
    const whole = values(training.predict([xEnc, xDec]) as Tensor);
    // Feed the decoder one step at a time from the encoder's states: the same probabilities.
    let states = encoderModel.predict(xEnc) as Tensor[];
    const stepped: number[][] = [[], []];
    for (let t = 0; t < 3; t++) {
      const step = tensor((xDec.toArray() as number[][][]).map((row) => [row[t]!]));
      const [probs, hs, cs] = decoderModel.predict([step, ...states]) as Tensor[];
      for (const [b, row] of (probs!.toArray() as number[][][]).entries()) stepped[b]!.push(...row[0]!);
      states = [hs!, cs!];
    }
    stepped.flat().forEach((v, i) => {
      expect(v).toBeCloseTo(whole[i]!, 5);
    });
    // Both models save and load with the shared decoder (each file numbers only its own calls).
    const dir = mkdtempSync(join(tmpdir(), 'tensile-seq2seq-'));
    try {
      for (const [model, data] of [
        [training, [xEnc, xDec]],
        [decoderModel, [xDec, ...(encoderModel.predict(xEnc) as Tensor[])]],
      ] as const) {
        const path = join(dir, `${model.name}.keras`);
        await saveModel(model, path);
        const before = model.predict([...data]) as Tensor[] | Tensor as Tensor | Tensor[];
        const after = (await loadModel(path)).predict([...data]);
        const flat = (o: Tensor | Tensor[]) => (Array.isArray(o) ? o : [o]).flatMap(values);
        expect(flat(after)).toEqual(flat(before));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a multi-output layer in a Sequential model, as Keras does', () => {
    expect(() => new Sequential([new LSTM(4, { returnState: true, inputShape: [3, 2] })])).toThrow(
      /has several outputs \(returnState\); all layers in a Sequential model need a single output/,
    );
  });
});
