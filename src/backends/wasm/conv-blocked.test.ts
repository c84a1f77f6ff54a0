import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Conv2dOptions, conv2d } from '../../ops/conv.js';
import { convGeometry } from '../../ops/conv-geometry.js';
import { tensor } from '../../ops/core.js';
import type { Tensor } from '../../tensor/tensor.js';
import { on } from '../../test-utils/backends.js';
import { expectGradientsMatchReference } from '../../test-utils/gradcheck.js';
import { tsBackend } from '../ts/index.js';
import { setConvBlocking } from './conv-blocked.js';
import { createWasmBackend } from './index.js';
import { emptyBatchConvGrads, firstLayerConvGrads } from './test-utils/conv-cases.js';
import { expectClose } from './test-utils/parity.js';

// Blocked convolutions run on wasm with and without the native GEMM; Winograd is turned off so the
// 3×3 stride-1 shapes go in blocks too, and so are the oneDNN convolutions (native-conv.test.ts).
const backends = [
  ['wasm + native GEMM', createWasmBackend()],
  ['wasm only', createWasmBackend({ native: false })],
] as const;

/** Block sizes, with blocks used whatever the size: one image per block, and three (batch 5: a partial last block). */
function blockSizes(xShape: number[], kShape: number[], opts: Conv2dOptions): number[] {
  const [kh, kw, c, f] = kShape as [number, number, number, number];
  const pair = (v: number | undefined): [number, number] => [v ?? 1, v ?? 1];
  const strides = pair(opts.strides as number | undefined);
  const dilation = pair(opts.dilation as number | undefined);
  const g = convGeometry('conv2d', xShape, {
    kernel: [kh, kw],
    strides,
    dilation,
    padding: opts.padding ?? 'valid',
  });
  return [1, 3 * 4 * g.outH * g.outW * (kh * kw * c + f)];
}

describe('convolution in blocks of images (wasm conv2d fast path)', () => {
  beforeAll(() => {
    process.env.TENSILE_NATIVE_CONV = '0';
  });
  afterAll(() => {
    delete process.env.TENSILE_NATIVE_CONV;
  });
  let restore = () => {};
  afterEach(() => {
    restore();
    delete process.env.TENSILE_WINOGRAD;
    vi.restoreAllMocks();
  });

  const cases: [string, number[], number[], Conv2dOptions][] = [
    ['3×3 same, relu', [5, 6, 6, 3], [3, 3, 3, 4], { padding: 'same', activation: 'relu' }],
    ['3×3 valid, stride 2, tanh', [5, 7, 6, 3], [3, 3, 3, 4], { strides: 2, activation: 'tanh' }],
    [
      '2×2 same (asymmetric padding), sigmoid',
      [5, 5, 6, 2],
      [2, 2, 2, 3],
      { padding: 'same', activation: 'sigmoid' },
    ],
    ['3×2 dilated 2, valid, linear', [5, 8, 7, 2], [3, 2, 2, 3], { dilation: 2 }],
    [
      '1 input channel, 3×3 same (the CNN first layer)',
      [5, 6, 6, 1],
      [3, 3, 1, 8],
      { padding: 'same', activation: 'relu' },
    ],
    ['1×1 stride 2', [5, 6, 6, 4], [1, 1, 4, 3], { strides: 2 }],
  ];
  for (const [what, xShape, kShape, opts] of cases) {
    for (const [name, backend] of backends) {
      it(`${what}: values and gradients match the float64 reference (${name}, every block size)`, () => {
        process.env.TENSILE_WINOGRAD = '0';
        const spy = vi.spyOn(backend, 'conv2d');
        for (const bytes of blockSizes(xShape, kShape, opts)) {
          restore();
          restore = setConvBlocking(bytes, 0);
          const f = (x: Tensor, k: Tensor, b: Tensor) => conv2d(x, k, b, opts);
          const specs = [{ shape: xShape }, { shape: kShape }, { shape: [kShape[3]!] }];
          expectGradientsMatchReference(backend, f, specs, { tol: 2e-5 });
        }
        expect(
          spy.mock.results.every((r) => r.value !== null),
          'every call went in blocks',
        ).toBe(true);
        expect(spy).toHaveBeenCalled();
      });
    }
  }

  it('gives the same kernel and bias gradients without an input gradient (a first layer)', () => {
    restore = setConvBlocking(1); // one image per block
    const reference = firstLayerConvGrads(tsBackend);
    for (const [name, backend] of backends) {
      const got = firstLayerConvGrads(backend);
      got.forEach((g, i) => {
        expectClose(g, reference[i]!, `${name} gradient ${i}`, 2e-5, 2e-5);
      });
    }
  });

  it('gives zero kernel and bias gradients for an empty batch', () => {
    for (const [, backend] of backends) {
      expect(emptyBatchConvGrads(backend)).toEqual([new Array(18).fill(0), [0, 0]]);
    }
  });

  it('leaves small convolutions (patches under 8 blocks) to im2col + dense', () => {
    const [, backend] = backends[1];
    const spy = vi.spyOn(backend, 'conv2d');
    process.env.TENSILE_WINOGRAD = '0';
    // 32 × 14 × 14 × 32 with a 3×3 kernel: 7.2 MB of patches, below 8 blocks of the default 1 MB.
    on(backend, () =>
      conv2d(
        tensor(new Float32Array(32 * 14 * 14 * 32), [32, 14, 14, 32]),
        tensor(new Float32Array(9 * 32 * 4), [3, 3, 32, 4]),
        null,
        { padding: 'same' },
      ),
    );
    expect(spy.mock.results.map((r) => r.value)).toEqual([null]);
    // 48 images: 10.8 MB, in blocks.
    on(backend, () =>
      conv2d(
        tensor(new Float32Array(48 * 14 * 14 * 32), [48, 14, 14, 32]),
        tensor(new Float32Array(9 * 32 * 4), [3, 3, 32, 4]),
        null,
        { padding: 'same' },
      ),
    );
    expect(spy.mock.results[1]!.value).not.toBeNull();
  });

  it('TENSILE_CONV_BLOCKED=0 leaves the convolution to im2col + dense', () => {
    restore = setConvBlocking(1);
    const [, backend] = backends[1];
    const spy = vi.spyOn(backend, 'conv2d');
    process.env.TENSILE_CONV_BLOCKED = '0';
    try {
      on(backend, () =>
        conv2d(tensor(new Float32Array(36), [1, 6, 6, 1]), tensor(new Float32Array(9), [3, 3, 1, 1]), null),
      );
    } finally {
      delete process.env.TENSILE_CONV_BLOCKED;
    }
    expect(spy.mock.results.map((r) => r.value)).toEqual([null]);
  });
});
