import { describe, expect, it } from 'vitest';
import {
  Add,
  Concatenate,
  clearSession,
  Dense,
  Embedding,
  Input,
  LSTM,
  Model,
  Sequential,
  SymbolicTensor,
  setRandomSeed,
  type Tensor,
  tensor,
} from '../index.js';

const rows = (t: Tensor | Tensor[]) => Array.from((t as Tensor).dataSync());

describe('Functional API: building graphs', () => {
  it('records layer calls on symbolic tensors and lists layers in Keras order', () => {
    clearSession();
    const a = Input({ shape: [3], name: 'a' });
    const b = Input({ shape: [2], name: 'b' });
    const dense = new Dense(4, { activation: 'relu' });
    const h = new Concatenate().apply([dense.apply(a), b]);
    const score = new Dense(1, { name: 'score' }).apply(h);
    const kind = new Dense(3, { activation: 'softmax', name: 'kind' }).apply(h);
    const model = new Model({ inputs: [a, b], outputs: [score, kind] });
    expect(h).toBeInstanceOf(SymbolicTensor);
    expect(h.shape).toEqual([null, 6]);
    // Keras orders by depth from the outputs (deepest first), ties by first meeting them walking back.
    expect(model.layers.map((l) => l.name)).toEqual(['a', 'dense', 'b', 'concatenate', 'score', 'kind']);
    expect(model.inputNames).toEqual(['a', 'b']);
    expect(model.outputNames).toEqual(['score', 'kind']);
    expect(model.getLayer('concatenate').input).toEqual([dense.output, b]);
    expect(model.getLayer('score').output).toBe(score);
    expect(model.countParams()).toBe(16 + 7 + 21);
    expect(() => model.getLayer('nope')).toThrow(/no layer named 'nope' in model 'functional'/);
  });

  it('runs the graph on arrays or name → tensor maps, matching the layers applied by hand', () => {
    setRandomSeed(3);
    const a = Input({ shape: [3], name: 'a' });
    const b = Input({ shape: [2], name: 'b' });
    const dense = new Dense(4, { activation: 'tanh' });
    const concat = new Concatenate();
    const head = new Dense(2);
    const model = new Model({ inputs: [a, b], outputs: head.apply(concat.apply([dense.apply(a), b])) });
    const xa = tensor([
      [1, 2, 3],
      [0, -1, 0.5],
    ]);
    const xb = tensor([
      [4, 5],
      [-2, 1],
    ]);
    const byHand = head.apply(concat.apply([dense.apply(xa), xb]));
    expect(rows(model.predict([xa, xb]))).toEqual(rows(byHand));
    expect(rows(model.predict({ b: xb, a: xa }))).toEqual(rows(byHand));
    expect(() => model.predict({ a: xa })).toThrow(/predict: x has no tensor for input 'b'/);
    expect(() => model.predict(xa)).toThrow(/the model has 2 inputs \(a, b\); pass x as a list or a map/);
    expect(() => model.predict([xa, tensor([[1, 2, 3]])])).toThrow(
      /input 'b' .*expected samples of shape \[2\], got \[3\]/,
    );
  });

  it('names the layer and both shapes when shapes do not fit', () => {
    const x = Input({ shape: [3] });
    const y = Input({ shape: [4] });
    expect(() => new Add({ name: 'sum' }).apply([x, y])).toThrow(
      "layer 'sum' (Add) [-1,3] · [-1,4]: inputs have incompatible shapes (dimension 1: 3 ≠ 4); got (None, 3), (None, 4)",
    );
    const shared = new Dense(2, { name: 'shared' });
    shared.apply(x);
    expect(() => shared.apply(y)).toThrow(
      "layer 'shared' (Dense) [-1,4]: the layer was built for inputs (None, 3) and cannot take (None, 4) (last dimension 4 ≠ 3)",
    );
    expect(() => new Concatenate({ name: 'cat' }).apply([x, Input({ shape: [2, 3] })])).toThrow(
      /layer 'cat' \(Concatenate\).*inputs must have the same rank/,
    );
    expect(() => new Add().apply(x as never)).toThrow(/expects a list of at least 2 inputs, got one tensor/);
    expect(() => new Dense(2, { name: 'd2' }).apply([x, x])).toThrow(
      /layer 'd2' \(Dense\): takes one input, got a list of 2/,
    );
  });

  it('names the missing input of a disconnected output and rejects non-Input inputs', () => {
    const a = Input({ shape: [3], name: 'first' });
    const b = Input({ shape: [3], name: 'second' });
    const out = new Dense(1, { name: 'head' }).apply(new Add().apply([a, b]));
    expect(() => new Model({ inputs: a, outputs: out, name: 'm' })).toThrow(
      "Model 'm': graph disconnected: output 'head' needs input 'second', which is not among the model's inputs ('first')",
    );
    const hidden = new Dense(2).apply(a);
    expect(() => new Model({ inputs: hidden, outputs: out })).toThrow(
      /inputs\[0\] is the output of layer 'dense_\d+' \(Dense\), not of Input\(\)/,
    );
    expect(() => new Model({ inputs: a, outputs: tensor([1]) as never })).toThrow(
      /outputs\[0\] is not a symbolic tensor/,
    );
    expect(() => new Model({} as never)).toThrow(/both inputs and outputs are required/);
  });

  it('shares weights between the calls of one layer', () => {
    setRandomSeed(5);
    const left = Input({ shape: [4], name: 'left' });
    const right = Input({ shape: [4], name: 'right' });
    const encoder = new Dense(3, { activation: 'relu', name: 'encoder' });
    const joined = new Add().apply([encoder.apply(left), encoder.apply(right)]);
    const model = new Model({ inputs: [left, right], outputs: joined });
    expect(encoder.inboundNodes.length).toBe(2);
    expect(model.layers.filter((l) => l === encoder).length).toBe(1);
    expect(model.weights.length).toBe(2); // kernel and bias, once
    expect(model.countParams()).toBe(15);
    expect(() => encoder.output).toThrow(/called in 2 places \(a shared layer\); use getOutputAt/);
    expect(encoder.getOutputAt(1).toString()).toBe('encoder[1][0]');
    const l = tensor([[1, 0, -1, 2]]);
    const r = tensor([[0.5, 0.5, 3, -2]]);
    const byHand = rows(encoder.apply(l)).map((v, i) => v + rows(encoder.apply(r))[i]!);
    for (const [i, v] of rows(model.predict([l, r])).entries()) expect(v).toBeCloseTo(byHand[i]!, 6);
    // Changing the one kernel changes both branches.
    encoder.kernel!.assign(tensor(new Float32Array(12).fill(0), [4, 3]));
    expect(rows(model.predict([l, r]))).toEqual([0, 0, 0]);
  });

  it('makes per-layer output sub-models as Keras users write them', () => {
    setRandomSeed(9);
    const model = new Sequential([
      new Dense(4, { activation: 'relu', inputShape: [3] }),
      new Dense(2, { activation: 'softmax' }),
    ]);
    const probe = new Model({ inputs: model.inputs, outputs: model.layers.map((l) => l.output) });
    const x = tensor([[1, 2, 3]]);
    const outs = probe.predict(x) as Tensor[];
    expect(outs.map((t) => t.shape)).toEqual([
      [1, 4],
      [1, 2],
    ]);
    expect(rows(outs[1]!)).toEqual(rows(model.predict(x)));
    expect(rows(outs[0]!)).toEqual(rows(model.layerOutputs(x)[0]!.output));
  });

  it('carries Embedding masks through the graph exactly as Sequential does', () => {
    setRandomSeed(11);
    const seq = new Sequential([new Embedding(20, 4, { maskZero: true, inputShape: [6] }), new LSTM(3)]);
    const tokens = Input({ shape: [6], dtype: 'int32' });
    const [emb, lstm] = [new Embedding(20, 4, { maskZero: true }), new LSTM(3)];
    const model = new Model({ inputs: tokens, outputs: lstm.apply(emb.apply(tokens)) });
    model.setWeights(seq.getWeights());
    const x = tensor(
      [
        [0, 0, 3, 4, 5, 6],
        [1, 2, 3, 0, 0, 0],
      ],
      undefined,
      'int32',
    );
    expect(rows(model.predict(x))).toEqual(rows(seq.predict(x)));
    // Without the mask the padded steps would change the result.
    const unmasked = new Model({ inputs: tokens, outputs: lstm.apply(new Embedding(20, 4).apply(tokens)) });
    unmasked.layers[1]!.weights[0]!.assign(emb.weights[0]!);
    expect(rows(unmasked.predict(x))).not.toEqual(rows(seq.predict(x)));
  });
});

describe('Functional API: summary', () => {
  it("prints Keras 3's table with the Connected to column for a branching model", () => {
    clearSession();
    const a = Input({ shape: [3], name: 'a' });
    const b = Input({ shape: [2], name: 'b' });
    const h = new Concatenate().apply([new Dense(4).apply(a), b]);
    const model = new Model({
      inputs: [a, b],
      outputs: [new Dense(1, { name: 'score' }).apply(h), new Dense(3, { name: 'kind' }).apply(h)],
    });
    // Keras 3.6 prints this (columns sized for 76 characters, as when stdout is not a terminal).
    expect(model.summary({ print: false })).toBe(
      [
        'Model: "functional"',
        '┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓',
        '┃ Layer (type)        ┃ Output Shape      ┃    Param # ┃ Connected to      ┃',
        '┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩',
        '│ a (InputLayer)      │ (None, 3)         │          0 │ -                 │',
        '├─────────────────────┼───────────────────┼────────────┼───────────────────┤',
        '│ dense (Dense)       │ (None, 4)         │         16 │ a[0][0]           │',
        '├─────────────────────┼───────────────────┼────────────┼───────────────────┤',
        '│ b (InputLayer)      │ (None, 2)         │          0 │ -                 │',
        '├─────────────────────┼───────────────────┼────────────┼───────────────────┤',
        '│ concatenate         │ (None, 6)         │          0 │ dense[0][0],      │',
        '│ (Concatenate)       │                   │            │ b[0][0]           │',
        '├─────────────────────┼───────────────────┼────────────┼───────────────────┤',
        '│ score (Dense)       │ (None, 1)         │          7 │ concatenate[0][0] │',
        '├─────────────────────┼───────────────────┼────────────┼───────────────────┤',
        '│ kind (Dense)        │ (None, 3)         │         21 │ concatenate[0][0] │',
        '└─────────────────────┴───────────────────┴────────────┴───────────────────┘',
        ' Total params: 44 (176.00 B)',
        ' Trainable params: 44 (176.00 B)',
        ' Non-trainable params: 0 (0.00 B)',
      ].join('\n'),
    );
  });

  it('prints a linear Functional model like a Sequential one, InputLayer included', () => {
    clearSession();
    const x = Input({ shape: [784] });
    const hidden = new Dense(64).apply(x);
    const model = new Model({ inputs: x, outputs: new Dense(10).apply(hidden) });
    const text = model.summary({ print: false });
    expect(text).not.toContain('Connected to');
    expect(text).toMatch(/│ input_layer \(InputLayer\)\s+│ \(None, 784\)\s+│\s+0 │/);
    expect(text).toMatch(/│ dense_1 \(Dense\)\s+│ \(None, 10\)\s+│\s+650 │/);
    expect(text).toContain('Total params: 50,890 (198.79 KB)');
  });

  it('lists a shared layer once, with both calls in Connected to, and counts its weights once', () => {
    clearSession();
    const a = Input({ shape: [4], name: 'a' });
    const b = Input({ shape: [4], name: 'b' });
    const enc = new Dense(3, { name: 'enc' });
    const model = new Model({ inputs: [a, b], outputs: new Add().apply([enc.apply(a), enc.apply(b)]) });
    const text = model.summary({ print: false });
    expect(text).toContain('│ enc (Dense)         │ (None, 3)         │         15 │ a[0][0], b[0][0]  │');
    expect(text).toContain('│ add (Add)           │ (None, 3)         │          0 │ enc[0][0],        │');
    expect(text).toContain('│                     │                   │            │ enc[1][0]         │');
    expect(text).toContain('Total params: 15 (60.00 B)');
  });
});
