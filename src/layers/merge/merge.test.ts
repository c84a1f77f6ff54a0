import { describe, expect, it } from 'vitest';
import {
  Add,
  Average,
  Concatenate,
  Embedding,
  getKerasMask,
  Input,
  type Layer,
  Multiply,
  type Tensor,
  tensor,
} from '../../index.js';
import { expectTensorsClose } from '../../test-utils/assert.js';
import { forEachBackend, on } from '../../test-utils/backends.js';
import { checkGradients } from '../../test-utils/gradcheck.js';

// import numpy as np
// a = np.array([[1, 2], [3, 4]], 'f4'); b = np.array([[.5, -1], [2, .25]], 'f4'); c = np.array([[2, 2], [-1, 1]], 'f4')
// a + b + c                 → [[3.5, 3], [4, 5.25]]
// a * b * c                 → [[1, -4], [-6, 1]]
// (a + b + c) / 3           → [[1.1666666, 1], [1.3333334, 1.75]]
// np.concatenate([a, b], -1) → [[1, 2, .5, -1], [3, 4, 2, .25]]
const A = [
  [1, 2],
  [3, 4],
];
const B = [
  [0.5, -1],
  [2, 0.25],
];
const C = [
  [2, 2],
  [-1, 1],
];

const GOLDEN: [string, () => Layer, number[][]][] = [
  [
    'Add',
    () => new Add(),
    [
      [3.5, 3],
      [4, 5.25],
    ],
  ],
  [
    'Multiply',
    () => new Multiply(),
    [
      [1, -4],
      [-6, 1],
    ],
  ],
  [
    'Average',
    () => new Average(),
    [
      [3.5 / 3, 1],
      [4 / 3, 5.25 / 3],
    ],
  ],
];

forEachBackend('merge layers', (backend) => {
  it.each(GOLDEN)('%s matches numpy', (_name, make, expected) => {
    on(backend, () => {
      const out = make().apply([tensor(A), tensor(B), tensor(C)]);
      expectTensorsClose(out, tensor(expected), 1e-6);
    });
  });

  it('Concatenate joins along the last axis by default and along axis 1 when asked', () => {
    on(backend, () => {
      const joined = new Concatenate().apply([tensor(A), tensor(B)]);
      expectTensorsClose(
        joined,
        tensor([
          [1, 2, 0.5, -1],
          [3, 4, 2, 0.25],
        ]),
      );
      const x = tensor([[[1, 2]], [[3, 4]]]); // [2, 1, 2]
      const y = tensor([
        [
          [5, 6],
          [7, 8],
        ],
        [
          [9, 10],
          [11, 12],
        ],
      ]); // [2, 2, 2]
      expect((new Concatenate({ axis: 1 }).apply([x, y]) as Tensor).toArray()).toEqual([
        [
          [1, 2],
          [5, 6],
          [7, 8],
        ],
        [
          [3, 4],
          [9, 10],
          [11, 12],
        ],
      ]);
    });
  });

  it('Multiply broadcasts size-1 dimensions as Keras does', () => {
    on(backend, () => {
      const gate = tensor([[[2], [3]]]); // [1, 2, 1]
      const x = tensor([
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
      ]); // [1, 2, 3]
      expect(new Multiply().apply([gate, x]).toArray()).toEqual([
        [
          [2, 4, 6],
          [12, 15, 18],
        ],
      ]);
      expect(new Multiply().apply([Input({ shape: [2, 1] }), Input({ shape: [2, 3] })]).shape).toEqual([
        null,
        2,
        3,
      ]);
    });
  });
});

describe('merge layer gradients (float64 finite differences)', () => {
  const three = [{ shape: [2, 3] }, { shape: [2, 3] }, { shape: [2, 3] }];
  it('Add', () => checkGradients((a, b, c) => new Add().apply([a!, b!, c!]), three));
  it('Multiply', () => checkGradients((a, b, c) => new Multiply().apply([a!, b!, c!]), three));
  it('Average', () => checkGradients((a, b, c) => new Average().apply([a!, b!, c!]), three));
  it('Concatenate', () =>
    checkGradients(
      (a, b) => new Concatenate({ axis: 1 }).apply([a!, b!]),
      [{ shape: [2, 1, 3] }, { shape: [2, 2, 3] }],
    ));
});

describe('merge layer shapes, configs and masks', () => {
  it('compute symbolic output shapes, keeping unknown dimensions unknown', () => {
    const a = Input({ shape: [null, 4] });
    const b = Input({ shape: [null, 2] });
    expect(new Concatenate().apply([a, b]).shape).toEqual([null, null, 6]);
    expect(new Concatenate({ axis: 1 }).apply([a, Input({ shape: [3, 4] })]).shape).toEqual([null, null, 4]);
    expect(new Add().apply([a, Input({ shape: [5, 4] })]).shape).toEqual([null, 5, 4]);
  });

  it('reject shapes that do not fit, naming the layer and every shape', () => {
    expect(() =>
      new Concatenate({ name: 'cat' }).apply([Input({ shape: [2, 3] }), Input({ shape: [4, 5] })]),
    ).toThrow(
      "layer 'cat' (Concatenate) [-1,2,3] · [-1,4,5]: inputs must match in every dimension but axis -1 (dimension 1 differs); got (None, 2, 3), (None, 4, 5)",
    );
    expect(() =>
      new Concatenate({ axis: 0, name: 'c0' }).apply([Input({ shape: [2] }), Input({ shape: [2] })]),
    ).toThrow(/layer 'c0' \(Concatenate\).*the batch axis cannot be concatenated/);
    expect(() => new Average({ name: 'avg' }).apply([tensor([[1, 2]]), tensor([[1, 2, 3]])])).toThrow(
      /layer 'avg' \(Average\) \[-1,2\] · \[-1,3\]: inputs have incompatible shapes \(dimension 1: 2 ≠ 3\)/,
    );
    expect(() => new Concatenate({ axis: 0.5 })).toThrow(/axis must be an integer/);
  });

  it('round-trip their Keras configs', () => {
    const configs = [
      new Add({ name: 'add_x' }),
      new Multiply(),
      new Average(),
      new Concatenate({ axis: 1 }),
    ].map((l) => [l, l.getConfig()]);
    expect(configs[0]![1]).toEqual({ name: 'add_x', trainable: true, dtype: 'float32' });
    expect(configs[3]![1]).toMatchObject({ axis: 1 });
    for (const [layer, config] of configs) {
      const cls = (layer as Layer).constructor as unknown as { fromConfig(c: unknown): Layer };
      expect(cls.fromConfig(config).getConfig()).toEqual(config);
    }
  });

  it('AND the timestep masks of their inputs (Keras semantics)', () => {
    const emb = new Embedding(10, 2, { maskZero: true });
    const a = emb.apply(tensor([[1, 2, 0]], undefined, 'int32'));
    const b = emb.apply(tensor([[0, 2, 3]], undefined, 'int32'));
    expect(Array.from(getKerasMask(new Add().apply([a, b]))!.dataSync())).toEqual([0, 1, 0]);
    expect(Array.from(getKerasMask(new Concatenate().apply([a, b]))!.dataSync())).toEqual([0, 1, 0]);
    expect(getKerasMask(new Concatenate({ axis: 1 }).apply([a, b]))).toBeNull();
  });
});
