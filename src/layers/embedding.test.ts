import { describe, expect, it } from 'vitest';
import { valueAndGrads } from '../autograd/backward.js';
import {
  Embedding,
  getKerasMask,
  initializers,
  LSTM,
  mul,
  Sequential,
  scope,
  sum,
  tensor,
} from '../index.js';
import { forEachBackend, on } from '../test-utils/backends.js';
import { expectAll, wave } from '../test-utils/recurrent.js';

// golden: PyTorch 1.13 (CPU, float64) output of
//   def seq(n, seed): return np.float32(0.5 * np.sin(seed + 1.3 * np.arange(n))).astype(np.float64)  # = wave(n, seed)
//   table = torch.tensor(seq(15, 2).reshape(5, 3), requires_grad=True); idx = torch.tensor([[1, 2, 0], [4, 1, 1]])
//   e = torch.nn.functional.embedding(idx, table)
//   (e * torch.tensor(seq(18, 5).reshape(2, 3, 3))).sum().backward()
//   golden = dict(y=e, dEmbeddings=table.grad)
// biome-ignore format: golden values
const GOLDEN = {
  y: [-0.18693833, 0.39683393, 0.39924356, -0.18323956, -0.49727631, -0.082802087, 0.4546487, -0.078872845, -0.49684551, -0.47442225, 0.025211344, 0.48791027, -0.18693833, 0.39683393, 0.39924356, -0.18693833, 0.39683393, 0.39924356],
  dEmbeddings: [0.11575491, 0.49965468, 0.15155917, -0.28318757, 0.36333567, 0.47757128, 0.25051042, -0.34993735, -0.43772608, 0.0, 0.0, 0.0, -0.41857088, -0.37549362, 0.21768267],
};

forEachBackend('Embedding', (backend) => {
  it('looks up rows and scatter-adds the gradient, as PyTorch does', () => {
    on(backend, () =>
      scope(() => {
        const layer = new Embedding(5, 3);
        layer.build([null, 3]);
        layer.embeddings!.assign(tensor(wave(15, 2), [5, 3]));
        const idx = tensor(
          [
            [1, 2, 0],
            [4, 1, 1],
          ],
          undefined,
          'int32',
        );
        let out = idx;
        const { grads } = valueAndGrads(() => {
          out = layer.apply(idx);
          return sum(mul(out, tensor(wave(18, 5), [2, 3, 3])));
        }, layer.weights);
        expect(out.shape).toEqual([2, 3, 3]);
        expectAll(out.dataSync(), GOLDEN.y, 'y', 1e-7);
        expectAll(grads[0]!.dataSync(), GOLDEN.dEmbeddings, 'dEmbeddings', 1e-6);
      }),
    );
  });

  it('names the layer, the bad index, its position and inputDim when an index is out of range', () => {
    on(backend, () => {
      const layer = new Embedding(500, 4, { name: 'words' });
      expect(() =>
        layer.apply(
          tensor(
            [
              [1, 2],
              [3, 500],
            ],
            undefined,
            'int32',
          ),
        ),
      ).toThrow(
        "layer 'words' (Embedding): index 500 at position [1,1] is out of range for inputDim 500 (valid indices are 0..499)",
      );
      expect(() => layer.apply(tensor([[-1, 2]], undefined, 'int32'))).toThrow(
        /index -1 at position \[0,0\]/,
      );
    });
  });

  it('casts float indices to int32, as Keras does', () => {
    on(backend, () => {
      const layer = new Embedding(4, 2);
      const a = layer.apply(tensor([[3, 1]]));
      const b = layer.apply(tensor([[3, 1]], undefined, 'int32'));
      expect(a.toArray()).toEqual(b.toArray());
    });
  });

  it('produces the mask indices != 0 with maskZero, and none without', () => {
    on(backend, () => {
      const idx = tensor(
        [
          [0, 0, 5, 7],
          [3, 0, 1, 2],
        ],
        undefined,
        'int32',
      );
      expect(getKerasMask(new Embedding(10, 2, { maskZero: true }).apply(idx))!.toArray()).toEqual([
        [0, 0, 1, 1],
        [1, 0, 1, 1],
      ]);
      expect(getKerasMask(new Embedding(10, 2).apply(idx))).toBeNull();
    });
  });

  it('shows Keras counts and shapes in the summary, from inputLength or from data', () => {
    on(backend, () => {
      const fromLength = new Sequential([new Embedding(500, 16, { inputLength: 100 })]);
      expect(fromLength.summary({ print: false })).toMatch(
        /\(Embedding\)\s+│ \(None, 100, 16\)\s+│\s+8,000 │/,
      );
      const fromData = new Sequential([new Embedding(500, 16), new LSTM(8)]);
      fromData.predict(tensor(new Int32Array(2 * 100), [2, 100], 'int32'));
      expect(fromData.summary({ print: false })).toMatch(/\(Embedding\)\s+│ \(None, 100, 16\)\s+│\s+8,000 │/);
      const values = Array.from(fromData.layers[0]!.weights[0]!.dataSync());
      expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(0.05);
    });
  });
});

describe('Embedding config', () => {
  it('has exactly the Keras config keys (input_length only when set) and round-trips', () => {
    const plain = new Embedding(500, 16, { maskZero: true }).getConfig();
    expect(Object.keys(plain).sort()).toEqual(
      [
        'name',
        'trainable',
        'dtype',
        'input_dim',
        'output_dim',
        'embeddings_initializer',
        'embeddings_regularizer',
        'activity_regularizer',
        'embeddings_constraint',
        'mask_zero',
      ].sort(),
    );
    expect(plain.embeddings_initializer).toEqual(
      initializers.serialize(new initializers.RandomUniform({ minval: -0.05, maxval: 0.05 })),
    );
    expect(Embedding.fromConfig(JSON.parse(JSON.stringify(plain))).getConfig()).toEqual(plain);
    const withLength = new Embedding(500, 16, { inputLength: 100 }).getConfig();
    expect(withLength).toMatchObject({ input_length: 100, batch_input_shape: [null, 100], mask_zero: false });
    const copy = Embedding.fromConfig(JSON.parse(JSON.stringify(withLength)));
    expect(copy.getConfig()).toEqual(withLength);
    expect(copy.inputShapeArg).toEqual([100]);
    expect(() => Embedding.fromConfig({ ...plain, embeddings_constraint: { class_name: 'NonNeg' } })).toThrow(
      /not supported yet/,
    );
  });
});
