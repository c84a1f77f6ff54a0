import { describe, expect, it } from 'vitest';
import { Input, Maximum, Minimum, Subtract, tensor } from '../../index.js';
import { modelFromConfig } from '../../io/model-config.js';
import { expectClose } from '../../test-utils/assert.js';
import { forEachBackend, on } from '../../test-utils/backends.js';
import { checkGradients } from '../../test-utils/gradcheck.js';

// a = np.array([[1, 2], [3, 4]]); b = np.array([[.5, -1], [2, .25]]); c = np.array([[2, 2], [-1, 1]])
// a - b → [[.5, 3], [1, 3.75]];  np.maximum.reduce([a, b, c]) → [[2, 2], [3, 4]];  np.minimum.reduce → [[.5, -1], [-1, .25]]
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

describe('Subtract, Maximum and Minimum', () => {
  forEachBackend('values', (backend) => {
    it('match numpy', () => {
      on(backend, () => {
        expectClose(new Subtract().apply([tensor(A), tensor(B)]), [
          [0.5, 3],
          [1, 3.75],
        ]);
        expectClose(new Maximum().apply([tensor(A), tensor(B), tensor(C)]), [
          [2, 2],
          [3, 4],
        ]);
        expectClose(new Minimum().apply([tensor(A), tensor(B), tensor(C)]), [
          [0.5, -1],
          [-1, 0.25],
        ]);
      });
    });
  });

  it('have float64 gradients that match central differences', () => {
    const two = [{ shape: [2, 3] }, { shape: [2, 3] }];
    checkGradients((a, b) => new Subtract().apply([a!, b!]), two);
    // Distinct values so no tie sits within the finite-difference step.
    const spread = [
      { shape: [2, 2], values: [0.1, 0.9, -0.5, 0.3] },
      { shape: [2, 2], values: [0.6, -0.2, 0.4, -0.8] },
    ];
    checkGradients((a, b) => new Maximum().apply([a!, b!]), spread);
    checkGradients((a, b) => new Minimum().apply([a!, b!]), spread);
  });

  it('refuse a Subtract of other than two inputs by name, and load from Keras configs', () => {
    const [a, b, c] = [Input({ shape: [3] }), Input({ shape: [3] }), Input({ shape: [3] })];
    expect(() => new Subtract({ name: 'diff' }).apply([a, b, c])).toThrow(
      /layer 'diff' \(Subtract\).*takes exactly 2 inputs, got 3/,
    );
    const model = modelFromConfig(
      {
        class_name: 'Functional',
        config: {
          name: 'f',
          layers: [
            {
              class_name: 'InputLayer',
              name: 'x',
              config: { batch_shape: [null, 2], name: 'x' },
              inbound_nodes: [],
            },
            {
              class_name: 'InputLayer',
              name: 'y',
              config: { batch_shape: [null, 2], name: 'y' },
              inbound_nodes: [],
            },
            {
              class_name: 'Subtract',
              name: 'subtract',
              config: { name: 'subtract', trainable: true, dtype: 'float32' },
              inbound_nodes: [
                {
                  args: [
                    [
                      {
                        class_name: '__keras_tensor__',
                        config: { shape: [null, 2], dtype: 'float32', keras_history: ['x', 0, 0] },
                      },
                      {
                        class_name: '__keras_tensor__',
                        config: { shape: [null, 2], dtype: 'float32', keras_history: ['y', 0, 0] },
                      },
                    ],
                  ],
                  kwargs: {},
                },
              ],
            },
          ],
          input_layers: [
            ['x', 0, 0],
            ['y', 0, 0],
          ],
          output_layers: [['subtract', 0, 0]],
        },
      },
      'f.keras',
      {},
      3,
    );
    const out = model.predict([tensor([[5, 1]]), tensor([[2, 3]])]) as ReturnType<typeof tensor>;
    expect(Array.from(out.dataSync())).toEqual([3, -2]);
  });
});
