import { describe, expect, it } from 'vitest';
import { Activation, clearSession, Dense, Input, Sequential, tensor } from '../index.js';

function mnistMlp(activation: 'sigmoid' | 'relu') {
  return new Sequential([
    new Dense(512, { activation, inputShape: [784] }),
    new Dense(256, { activation }),
    new Dense(128, { activation }),
    new Dense(64, { activation }),
    new Dense(10, { activation: 'softmax' }),
  ]);
}

describe('Sequential', () => {
  it('prints a Keras 3 summary with the study model parameter count', () => {
    clearSession();
    const model = mnistMlp('relu');
    expect(model.countParams()).toBe(575_050);
    const text = model.summary({ print: false });
    expect(text).toContain('Model: "sequential');
    expect(text).toMatch(/dense \(Dense\)\s+│ \(None, 512\)\s+│\s+401,920 │/);
    expect(text).toMatch(/dense_4 \(Dense\)\s+│ \(None, 10\)\s+│\s+650 │/);
    expect(text).toContain('Total params: 575,050 (2.19 MB)');
    expect(text).toContain('Trainable params: 575,050 (2.19 MB)');
    expect(text).toContain('Non-trainable params: 0 (0.00 B)');
  });

  it("takes Input()'s tensor as its first entry, as Keras 3 examples write it", () => {
    clearSession();
    const model = new Sequential([Input({ shape: [4] }), new Dense(3), new Activation('softmax')]);
    expect(model.built).toBe(true);
    expect(model.layers.map((l) => l.className)).toEqual(['Dense', 'Activation']);
    expect(model.inputs[0]!.shape).toEqual([null, 4]);
    expect(model.countParams()).toBe(15);
    expect(model.predict(tensor(new Float32Array(8), [2, 4])).shape).toEqual([2, 3]);
    // Only an input's tensor stands for a layer; a tensor from another layer is refused by name.
    const hidden = new Dense(2, { name: 'hidden' }).apply(Input({ shape: [4] }));
    expect(() => new Sequential([hidden])).toThrow(/tensor hidden\[0\]\[0\] from layer 'hidden' \(Dense\)/);
  });

  it('builds lazily from the first batch when no inputShape is given', () => {
    const model = new Sequential([new Dense(3), new Activation('softmax')]);
    expect(() => model.summary()).toThrow(/not built yet/);
    const out = model.predict(tensor(new Float32Array(10), [5, 2]));
    expect(out.shape).toEqual([5, 3]);
    expect(model.countParams()).toBe(9);
  });

  it('round-trips weights with getWeights/setWeights and checks shapes', () => {
    const a = new Sequential([new Dense(4, { inputShape: [3] })]);
    const b = new Sequential([new Dense(4, { inputShape: [3] })]);
    b.setWeights(a.getWeights());
    const x = tensor([[1, 2, 3]]);
    expect(b.predict(x).toArray()).toEqual(a.predict(x).toArray());
    expect(() => b.setWeights([tensor(new Float32Array(12), [4, 3]), tensor(new Float32Array(4))])).toThrow(
      /setWeights .*\[3,4\] · \[4,3\]/,
    );
    expect(() => b.setWeights([])).toThrow(/has 2 weights, got 0/);
  });

  it('exposes per-layer outputs', () => {
    const model = new Sequential([new Dense(4, { activation: 'relu', inputShape: [3] }), new Dense(2)]);
    const outs = model.layerOutputs(tensor([[1, 2, 3]]));
    expect(outs.map((o) => o.output.shape)).toEqual([
      [1, 4],
      [1, 2],
    ]);
    expect(outs[1]!.output.toArray()).toEqual(model.predict(tensor([[1, 2, 3]])).toArray());
  });

  it('rejects duplicate layer names and non-layers', () => {
    const model = new Sequential([new Dense(2, { name: 'd', inputShape: [1] })]);
    expect(() => model.add(new Dense(2, { name: 'd' }))).toThrow(/already in model/);
    expect(() => model.add({} as never)).toThrow(/expected a Layer/);
  });
});
