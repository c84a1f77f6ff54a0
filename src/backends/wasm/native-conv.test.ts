import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Conv2dOptions, conv2d } from '../../ops/conv.js';
import { tensor } from '../../ops/core.js';
import type { Tensor } from '../../tensor/tensor.js';
import { on } from '../../test-utils/backends.js';
import { expectGradientsMatchReference } from '../../test-utils/gradcheck.js';
import { tsBackend } from '../ts/index.js';
import { setConvBlocking } from './conv-blocked.js';
import { Heap } from './heap.js';
import { createWasmBackend } from './index.js';
import { setNativeConvSplitMin } from './native-conv.js';
import { nativeAddon, nativeStatus } from './native-loader.js';
import { emptyBatchConvGrads, firstLayerConvGrads } from './test-utils/conv-cases.js';
import { expectClose } from './test-utils/parity.js';

// oneDNN's convolutions need the addon's oneDNN build; without it (TENSILE_NATIVE=0, not built, or
// the OpenBLAS build) these tests are skipped and their titles say why.
const addon = nativeAddon();
const hasConv = addon?.convolutions === true;
const skipReason = hasConv
  ? ''
  : ` (skipped: ${addon ? `the ${nativeStatus().library} build has no convolutions` : `native addon off, ${nativeStatus().reason}`})`;
const backend = createWasmBackend();

/** Calls of addon.conv2d by mode (0 forward, 1 backward data, 2 backward weights) that computed. */
function spyModes() {
  const spy = vi.spyOn(addon!, 'conv2d');
  return () => spy.mock.calls.filter((_, i) => spy.mock.results[i]!.value === true).map((c) => c[1]);
}

describe('convolutions by oneDNN (native addon)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    delete process.env.TENSILE_NATIVE_CONV;
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
    ['4×4 same, stride 2 (asymmetric padding)', [5, 9, 8, 3], [4, 4, 3, 2], { padding: 'same', strides: 2 }],
    [
      '1 input channel, 3×3 same, relu (the CNN first layer)',
      [5, 6, 6, 1],
      [3, 3, 1, 8],
      { padding: 'same', activation: 'relu' },
    ],
    [
      'batch 1, 3×3 same, 32 → 16 channels',
      [1, 5, 5, 32],
      [3, 3, 32, 16],
      { padding: 'same', activation: 'relu' },
    ],
    ['batch 1, 1×1 stride 2', [1, 6, 6, 4], [1, 1, 4, 3], { strides: 2 }],
  ];
  // Each case on one thread and with the batch split across the helper thread (threads argument 0).
  for (const [what, xShape, kShape, opts] of cases) {
    for (const split of [false, true]) {
      const how = split ? 'batch split with the helper thread' : 'one thread';
      it.skipIf(!hasConv)(
        `${what}, ${how}: values and gradients match the float64 reference${skipReason}`,
        () => {
          const restore = setNativeConvSplitMin(split ? 0 : Number.POSITIVE_INFINITY);
          const spy = vi.spyOn(addon!, 'conv2d');
          try {
            const f = (x: Tensor, k: Tensor, b: Tensor) => conv2d(x, k, b, opts);
            const specs = [{ shape: xShape }, { shape: kShape }, { shape: [kShape[3]!] }];
            expectGradientsMatchReference(backend, f, specs, { tol: 2e-5 });
          } finally {
            restore();
          }
          const computed = spy.mock.calls.filter((_, i) => spy.mock.results[i]!.value === true);
          expect(computed.map((c) => c[1]).sort()).toEqual([0, 1, 2]);
          const splitDefault = nativeStatus().split === true && xShape[0]! >= 2;
          expect(computed.every((c) => (c[8] === 0) === (split && splitDefault))).toBe(true);
        },
      );
    }
  }

  it.skipIf(!hasConv)(`without bias, values and gradients match the reference${skipReason}`, () => {
    const modes = spyModes();
    const f = (x: Tensor, k: Tensor) => conv2d(x, k, null, { padding: 'same', activation: 'relu' });
    expectGradientsMatchReference(backend, f, [{ shape: [3, 5, 5, 2] }, { shape: [3, 3, 2, 4] }], {
      tol: 2e-5,
    });
    expect(modes().sort()).toEqual([0, 1, 2]);
  });

  it.skipIf(!hasConv)(`a first layer (no input gradient) skips backward data${skipReason}`, () => {
    const reference = firstLayerConvGrads(tsBackend);
    const modes = spyModes();
    const got = firstLayerConvGrads(backend);
    expect(modes().sort()).toEqual([0, 2]);
    got.forEach((g, i) => {
      expectClose(g, reference[i]!, `gradient ${i}`, 2e-5, 2e-5);
    });
  });

  it.skipIf(!hasConv)(`gives zero kernel and bias gradients for an empty batch${skipReason}`, () => {
    expect(emptyBatchConvGrads(backend)).toEqual([new Array(18).fill(0), [0, 0]]);
  });

  it.skipIf(!hasConv)(
    `a geometry oneDNN declines falls back to the other paths, exactly${skipReason}`,
    () => {
      const spy = vi.spyOn(addon!, 'conv2d').mockReturnValue(false);
      const f = (x: Tensor, k: Tensor, b: Tensor) => conv2d(x, k, b, { padding: 'same', activation: 'tanh' });
      expectGradientsMatchReference(
        backend,
        f,
        [{ shape: [2, 5, 5, 3] }, { shape: [3, 3, 3, 2] }, { shape: [2] }],
        {
          tol: 2e-5,
        },
      );
      // Declined forward: a small convolution then runs as im2col + dense, whose gradients need no conv2dBackward.
      expect(spy.mock.calls.map((c) => c[1])).toEqual([0]);
      // In blocks (forced), the backward asks oneDNN first, then takes the blocked backward.
      spy.mockClear();
      const restore = setConvBlocking(1, 0);
      try {
        expectGradientsMatchReference(
          backend,
          f,
          [{ shape: [2, 5, 5, 3] }, { shape: [3, 3, 3, 2] }, { shape: [2] }],
          {
            tol: 2e-5,
          },
        );
      } finally {
        restore();
      }
      expect(spy.mock.calls.map((c) => c[1])).toEqual([0, 2]);
    },
  );

  it.skipIf(!hasConv)(`TENSILE_NATIVE_CONV=0 leaves convolutions to the other paths${skipReason}`, () => {
    process.env.TENSILE_NATIVE_CONV = '0';
    const spy = vi.spyOn(addon!, 'conv2d');
    const y = on(backend, () =>
      conv2d(
        tensor(new Float32Array(36).fill(1), [1, 6, 6, 1]),
        tensor(new Float32Array(9).fill(1), [3, 3, 1, 1]),
        null,
      )
        .dataSync()
        .at(0),
    );
    expect(y).toBe(9);
    expect(spy).not.toHaveBeenCalled();
  });

  it.skipIf(!hasConv)(`a split batch's results are its halves' results, bit for bit${skipReason}`, () => {
    const heap = new Heap();
    const [n, h, c, f] = [5, 7, 3, 4];
    const g = (batch: number) => [batch, h, h, c, f, 3, 3, 1, 1, 1, 1, 1, 1, h, h];
    const [xs, ys, ks] = [n * h * h * c, n * h * h * f, 9 * c * f];
    const x = heap.upload(Float32Array.from({ length: xs }, (_, i) => Math.sin(i)));
    const dy = heap.upload(Float32Array.from({ length: ys }, (_, i) => Math.cos(0.7 * i)));
    const k = heap.upload(Float32Array.from({ length: ks }, (_, i) => Math.sin(0.3 * i)));
    const [dw, db, dwHalf, dbHalf, dx] = [
      heap.malloc(ks),
      heap.malloc(f),
      heap.malloc(ks),
      heap.malloc(f),
      heap.malloc(xs),
    ];
    const [dxWhole, y, yWhole] = [heap.malloc(xs), heap.malloc(ys), heap.malloc(ys)];
    const read = (at: number, size: number) => Array.from(heap.viewOf(at, size, 'float32'));
    const conv = addon!.conv2d!;
    // Split (threads 0): images 0-2 on the caller, 3-4 on the helper (or taken back).
    conv(heap.f32, 2, g(n), x, dy, db, dw, 0, 0);
    conv(heap.f32, 1, g(n), dy, k, -1, dx, 0, 0);
    conv(heap.f32, 0, g(n), x, k, -1, y, 1, 0);
    // The same halves one after the other on one thread; the weight gradients added in float32.
    const [x2, y2] = [x + 4 * 3 * h * h * c, 4 * 3 * h * h * f];
    conv(heap.f32, 2, g(3), x, dy, db, dwHalf, 0, 1);
    const first = [read(dwHalf, ks), read(db, f)];
    conv(heap.f32, 2, g(2), x2, dy + y2, dbHalf, dwHalf, 0, 1);
    const second = [read(dwHalf, ks), read(dbHalf, f)];
    const sums = first.map((a, i) => a.map((v, j) => Math.fround(v + second[i]![j]!)));
    conv(heap.f32, 2, g(n), x, dy, db, dw, 0, 0); // db was overwritten above: compute the split again
    expect([read(dw, ks), read(db, f)]).toEqual(sums);
    conv(heap.f32, 1, g(3), dy, k, -1, dxWhole, 0, 1);
    conv(heap.f32, 1, g(2), dy + y2, k, -1, dxWhole + 4 * 3 * h * h * c, 0, 1);
    expect(read(dx, xs)).toEqual(read(dxWhole, xs));
    conv(heap.f32, 0, g(3), x, k, -1, yWhole, 1, 1);
    conv(heap.f32, 0, g(2), x2, k, -1, yWhole + y2, 1, 1);
    expect(read(y, ys)).toEqual(read(yWhole, ys));
    expect(read(dw, ks).some((v) => v !== 0)).toBe(true);
  });

  it.skipIf(!hasConv)(`the addon refuses bad arguments, naming them${skipReason}`, () => {
    const heap = new Heap();
    const mem = heap.f32;
    const at = heap.malloc(4096);
    const g = [2, 6, 6, 3, 4, 3, 3, 1, 1, 1, 1, 1, 1, 6, 6]; // x 216, kernel 108, y 288 floats
    const [x, k, b, y] = [at, at + 4 * 256, at + 4 * 384, at + 4 * 512];
    const call =
      (...args: unknown[]) =>
      () =>
        (addon!.conv2d as (...a: unknown[]) => boolean)(...args);
    expect(call(mem, 0, g, x, k, b, y, 1, 1)()).toBe(true);
    const cases: [unknown[], RegExp][] = [
      [[mem, 0, g, x, k, b, y, 1], /expected 9 arguments, got 8/],
      [[new Float64Array(4), 0, g, x, k, b, y, 1, 1], /memory must be a Float32Array/],
      [[mem, 3, g, x, k, b, y, 1, 1], /mode = 3 is not an integer in \[0, 2\]/],
      [[mem, 0, g.slice(1), x, k, b, y, 1, 1], /geometry must be an array of 15 integers/],
      [[mem, 0, [...g.slice(0, 7), 0, ...g.slice(8)], x, k, b, y, 1, 1], /strideH = 0 is not an integer/],
      [[mem, 0, [...g.slice(0, 13), 3, 6], x, k, b, y, 1, 1], /outH 3 × outW 6 does not match a 6×6 input/],
      [[mem, 0, [...g.slice(0, 13), 6, 8], x, k, b, y, 1, 1], /outH 6 × outW 8 does not match/],
      [[mem, 0, g, x + 2, k, b, y, 1, 1], /x offset \d+ is not a multiple of 4/],
      [
        [mem, 0, g, x, k, b, mem.length * 4 - 16, 1, 1],
        /y \(288 floats at byte \d+\) ends at byte \d+, past the buffer's/,
      ],
      [[mem, 0, g, x, k, b, x + 8, 1, 1], /output y overlaps x/],
      [[mem, 2, g, x, y, k - 8, k, 0, 1], /output dbias overlaps/],
      [[mem, 1, g, y, k, b, x, 0, 1], /backward data takes no third operand/],
      [[mem, 1, g, y, k, -1, x, 1, 1], /relu is a forward post-op only/],
      [[mem, 0, g, x, k, b, y, 1, -1], /threads = -1 is not an integer in \[0, 256\]/],
    ];
    for (const [args, why] of cases) expect(call(...args), String(why)).toThrow(why);
  });
});
