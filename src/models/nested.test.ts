import { describe, expect, it } from 'vitest';
import { tsBackend } from '../backends/ts/index.js';
import { wasmBackend } from '../backends/wasm/index.js';
import {
  BatchNormalization,
  clearSession,
  Dense,
  Input,
  Model,
  Sequential,
  SGD,
  type SymbolicTensor,
  setRandomSeed,
  type Tensor,
  tensor,
} from '../index.js';
import { forEachBackend, on } from '../test-utils/backends.js';
import { checkGradients, f64Backend } from '../test-utils/gradcheck.js';

const values = (t: Tensor | Tensor[]) => Array.from((t as Tensor).dataSync());
const x3 = () =>
  tensor([
    [1, 2, 3],
    [-1, 0.5, 2],
  ]);

/** A feature extractor (Dense → BatchNormalization) with a head, the usual transfer-learning shape. */
function extractor(name = 'features'): Sequential {
  return new Sequential(
    [new Dense(4, { activation: 'relu', inputShape: [3] }), new BatchNormalization(), new Dense(2)],
    { name },
  );
}

describe('models as layers: structure', () => {
  it('lists a nested Sequential as one layer, finds it by name and shows one summary row', () => {
    clearSession();
    const inner = extractor();
    const x = Input({ shape: [3], name: 'x' });
    const outer = new Model({ inputs: x, outputs: new Dense(1, { name: 'head' }).apply(inner.apply(x)) });
    expect(outer.layers.map((l) => l.name)).toEqual(['x', 'features', 'head']);
    expect(outer.getLayer('features')).toBe(inner);
    expect(inner.className).toBe('Sequential');
    // Dense(3→4) 16, BN 4·4 = 16 (8 trainable), Dense(4→2) 10, head 3: Keras counts 45, 8 non-trainable.
    expect(outer.countParams()).toBe(45);
    const text = outer.summary({ print: false });
    expect(text).toContain('│ features (Sequential)           │ (None, 2)              │            42 │');
    expect(text).toContain('Trainable params: 37 (148.00 B)');
    expect(text).toContain('Non-trainable params: 8 (32.00 B)');
  });

  it('freezes every inner weight with trainable = false and counts them as non-trainable', () => {
    const inner = extractor();
    const x = Input({ shape: [3] });
    const outer = new Model({ inputs: x, outputs: new Dense(1).apply(inner.apply(x)) });
    inner.trainable = false;
    expect(inner.layers.every((l) => !l.trainable)).toBe(true); // Keras sets the flag on every sub-layer
    expect(outer.trainableWeights.length).toBe(2);
    expect(outer.summary({ print: false })).toContain('Non-trainable params: 42 (168.00 B)');
    inner.trainable = true;
    expect(outer.trainableWeights.length).toBe(2 + 2 + 2 + 2);
  });

  it('nests a Sequential in a Sequential and a Functional model called on a new Input', () => {
    clearSession();
    const a = Input({ shape: [3] });
    const functional = new Model({ inputs: a, outputs: new Dense(2, { activation: 'tanh' }).apply(a) });
    const stack = new Sequential([functional, new Dense(1)]);
    expect(stack.sampleShape).toEqual([3]); // the inner model's input shape builds the stack
    const outer = new Sequential([stack]);
    const y = outer.predict(x3());
    const byHand = stack.layers[1]!.apply(functional.layers[1]!.apply(x3()));
    expect(values(y)).toEqual(values(byHand));
    const b = Input({ shape: [3] });
    const again = new Model({ inputs: b, outputs: functional.apply(b) });
    expect(values(again.predict(x3()))).toEqual(values(functional.predict(x3())));
  });

  it('shares the weights of a model applied twice, and counts them once', () => {
    const inner = extractor('shared');
    const a = Input({ shape: [3], name: 'a' });
    const b = Input({ shape: [3], name: 'b' });
    const outer = new Model({ inputs: [a, b], outputs: new Dense(1).apply(inner.apply(a)) });
    const both = new Model({ inputs: [a, b], outputs: [inner.apply(a), inner.apply(b)] });
    const [ya, yb] = both.predict([x3(), x3()]) as Tensor[];
    expect(values(ya!)).toEqual(values(yb!));
    expect(both.countParams()).toBe(42);
    expect(both.weights.length).toBe(inner.weights.length);
    expect(both.summary({ print: false })).toContain(
      'shared (Sequential) │ (None, 2)         │         42 │ a[0][0], b[0][0]',
    );
    expect(outer.countParams()).toBe(45);
  });

  it('keeps per-layer output sub-models working on the outer model', () => {
    const inner = extractor();
    const x = Input({ shape: [3] });
    const outer = new Model({ inputs: x, outputs: new Dense(1).apply(inner.apply(x)) });
    const probe = new Model({ inputs: outer.inputs, outputs: outer.layers.slice(1).map((l) => l.output) });
    const [features, out] = probe.predict(x3()) as Tensor[];
    expect(values(features!)).toEqual(values(inner.predict(x3())));
    expect(values(out!)).toEqual(values(outer.predict(x3())));
    const stack = new Sequential([inner, new Dense(1)]);
    expect(stack.layerOutputs(x3()).map((o) => [o.name, o.output.shape])).toEqual([
      [inner.name, [2, 2]],
      [stack.layers[1]!.name, [2, 1]],
    ]);
  });

  it("gives an uncalled model's own input and output (Keras' base.input / base.output), then its call's", () => {
    const base = extractor('base');
    const again = new Model({ inputs: base.input as SymbolicTensor, outputs: base.output });
    expect(values(again.predict(x3()))).toEqual(values(base.predict(x3())));
    const probe = new Model({ inputs: base.input as SymbolicTensor, outputs: base.layers[1]!.output });
    expect(probe.outputShape).toEqual([null, 4]);
    const x = Input({ shape: [3] });
    const y = base.apply(x);
    expect(base.output).toBe(y);
    expect(base.input).toBe(x);
    const two = new Model({ inputs: x, outputs: [y, new Dense(1).apply(x)] });
    expect(() => two.output).toThrow(/model 'functional(_\d+)?' has 2 outputs; use outputs/);
  });

  it('refuses inputs of the wrong shape, naming the model', () => {
    const a = Input({ shape: [3] });
    const inner = extractor('inner');
    expect(() => inner.apply(Input({ shape: [5] }))).toThrow(
      /layer 'inner' \(Sequential\) input .*the model takes \(None, 3\), got \(None, 5\)/,
    );
    const b = Input({ shape: [2] });
    const pair = new Model({ inputs: [a, b], outputs: new Dense(1).apply(a), name: 'pair' });
    expect(() => pair.apply(Input({ shape: [3] }))).toThrow(/expects a list of at least 2 inputs/);
  });
});

describe('models as layers with several outputs', () => {
  /** A model with two heads on one input, as Keras' multi-output sub-models. */
  function twoHeads(): Model {
    const a = Input({ shape: [3] });
    return new Model({
      inputs: a,
      outputs: [new Dense(1, { name: 'score' }).apply(a), new Dense(2, { name: 'pair' }).apply(a)],
      name: 'heads',
    });
  }

  it('returns one tensor per output, eagerly and symbolically, with each output shape', () => {
    setRandomSeed(3);
    const heads = twoHeads();
    const eager = heads.apply(x3()) as Tensor[];
    expect(eager.map((t) => t.shape)).toEqual([
      [2, 1],
      [2, 2],
    ]);
    const [p, q] = heads.predict(x3()) as Tensor[];
    expect(values(eager[0]!)).toEqual(values(p!));
    expect(values(eager[1]!)).toEqual(values(q!));
    const b = Input({ shape: [3] });
    const outs = heads.apply(b) as SymbolicTensor[];
    expect(outs.map((t) => t.shape)).toEqual([
      [null, 1],
      [null, 2],
    ]);
    expect(outs.map((t) => t.tensorIndex)).toEqual([0, 1]);
  });

  it('feeds both outputs to an outer model and computes them as the inner model does', () => {
    setRandomSeed(4);
    const heads = twoHeads();
    const b = Input({ shape: [3] });
    const [score, pair] = heads.apply(b) as SymbolicTensor[];
    const mix = new Dense(1, { name: 'mix', useBias: false });
    const outer = new Model({ inputs: b, outputs: [mix.apply(pair!), score!] });
    const [mixed, scored] = outer.predict(x3()) as Tensor[];
    const [p, q] = heads.predict(x3()) as Tensor[];
    expect(values(scored!)).toEqual(values(p!));
    const w = values(mix.getWeights()[0]!);
    const qv = values(q!);
    const byHand = [0, 1].map((i) => qv[2 * i]! * w[0]! + qv[2 * i + 1]! * w[1]!);
    for (const [i, v] of values(mixed!).entries()) expect(v).toBeCloseTo(byHand[i]!, 5);
    expect(outer.layers.map((l) => l.name).slice(1)).toEqual(['heads', 'mix']);
  });

  it('trains the inner heads through both outputs', async () => {
    setRandomSeed(5);
    const heads = twoHeads();
    const b = Input({ shape: [3] });
    const [score, pair] = heads.apply(b) as SymbolicTensor[];
    const outer = new Model({ inputs: b, outputs: [score!, pair!] });
    outer.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: ['mse', 'mse'] });
    const before = heads.getWeights().map(values);
    const h = await outer.fit(
      x3(),
      [
        tensor([[1], [0]]),
        tensor([
          [0, 1],
          [1, 0],
        ]),
      ],
      {
        epochs: 5,
        batchSize: 2,
        verbose: 0,
      },
    );
    const after = heads.getWeights().map(values);
    for (const [i, w] of after.entries()) expect(w).not.toEqual(before[i]);
    expect(h.history.loss![4]!).toBeLessThan(h.history.loss![0]!);
  });
});

describe('models as layers: training', () => {
  it('trains inner weights exactly as the same layers chained directly', async () => {
    setRandomSeed(5);
    const inner = extractor();
    const x = Input({ shape: [3] });
    const head = new Dense(1);
    const nested = new Model({ inputs: x, outputs: head.apply(inner.apply(x)) });
    const flat = new Sequential([
      new Dense(4, { activation: 'relu', inputShape: [3] }),
      new BatchNormalization(),
      new Dense(2),
      new Dense(1),
    ]);
    flat.setWeights(nested.getWeights());
    const xs = tensor([
      [1, 2, 3],
      [-1, 0.5, 2],
      [0, 1, -1],
      [2, -2, 0.5],
    ]);
    const ys = tensor([[1], [0], [2], [-1]]);
    for (const m of [nested, flat]) {
      m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
      await m.fit(xs, ys, { epochs: 2, batchSize: 2, shuffle: false, verbose: 0 });
    }
    const after = nested.getWeights().map(values);
    expect(after).toEqual(flat.getWeights().map(values));
    expect(after[0]).not.toEqual(values(extractor().getWeights()[0]!));
  });

  it('leaves a frozen inner model untouched (BatchNormalization statistics included) and trains the head', async () => {
    setRandomSeed(6);
    const inner = extractor();
    inner.trainable = false;
    const x = Input({ shape: [3] });
    const outer = new Model({ inputs: x, outputs: new Dense(1).apply(inner.apply(x)) });
    const innerBefore = inner.getWeights().map(values);
    const headBefore = values(outer.getLayer(outer.layers[2]!.name).weights[0]!);
    outer.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
    await outer.fit(x3(), tensor([[1], [2]]), { epochs: 2, verbose: 0 });
    expect(inner.getWeights().map(values)).toEqual(innerBefore);
    expect(values(outer.layers[2]!.weights[0]!)).not.toEqual(headBefore);
  });

  it('passes gradients through the nested graph (float64 central differences)', () => {
    let model: Model | null = null;
    checkGradients(
      (x) => {
        if (!model) {
          const inner = new Sequential([new Dense(4, { activation: 'tanh', inputShape: [3] }), new Dense(2)]);
          const input = Input({ shape: [3] });
          model = new Model({ inputs: input, outputs: new Dense(2).apply(inner.apply(input)) });
        }
        return model.apply(x!) as Tensor; // one output
      },
      [{ shape: [2, 3] }],
    );
    expect(model!.weights[0]!.backend).toBe(f64Backend);
  });
});

describe('models as layers: placement', () => {
  it("builds an inner model's weights where the outer model's live, whatever backend is selected", () => {
    const outer = on(tsBackend, () => new Sequential([new Dense(3, { inputShape: [2] })]));
    on(wasmBackend, () => outer.add(new Sequential([new Dense(2), new Dense(1)])));
    expect(outer.weights.length).toBe(6);
    expect(outer.weights.every((w) => w.backend === tsBackend)).toBe(true);
  });
});

forEachBackend('models as layers: backends', (backend) => {
  it('computes a nested model as its layers applied by hand', () => {
    on(backend, () => {
      setRandomSeed(7);
      const inner = extractor();
      const x = Input({ shape: [3] });
      const head = new Dense(1);
      const outer = new Model({ inputs: x, outputs: head.apply(inner.apply(x)) });
      let byHand = x3();
      for (const layer of inner.layers) byHand = layer.apply(byHand);
      const got = values(outer.predict(x3()));
      const want = values(head.apply(byHand));
      for (const [i, v] of got.entries()) expect(v).toBeCloseTo(want[i]!, 6);
      expect(outer.weights[0]!.backend).toBe(backend);
    });
  });
});
