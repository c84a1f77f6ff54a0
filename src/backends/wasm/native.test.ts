import { describe, expect, it } from 'vitest';
import { Heap } from './heap.js';
import { operand } from './matmul.js';
import { disableNative, NATIVE_MIN_MNK, nativeFor, nativeGemm } from './native.js';
import { nativeAddon, nativeStatus } from './native-loader.js';
import { expectClose, rand } from './test-utils/parity.js';

// These tests need the addon built (`npm install` does it when libdnnl-dev or libopenblas-dev is
// installed; CI installs it). Without it they are skipped, and the title says why.
const addon = nativeAddon();
const status = nativeStatus();
const needsAddon = addon ? '' : ` (skipped: native addon off, ${status.reason})`;

/** A wasm heap holding a, b and c; returns their byte offsets. */
function setUp(aValues: Float32Array, bValues: Float32Array, cSize: number) {
  const heap = new Heap();
  const a = heap.upload(aValues);
  const b = heap.upload(bValues);
  const c = heap.upload(new Float32Array(cSize).fill(7));
  return { heap, a, b, c };
}

/** op(A)·op(B) + beta·C in float64, A stored k×m when ta, B stored n×k when tb. */
function reference(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  m: number,
  n: number,
  k: number,
  ta: boolean,
  tb: boolean,
  beta: number,
) {
  const out: number[] = [];
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = beta * c[i * n + j]!;
      for (let p = 0; p < k; p++) s += a[ta ? p * m + i : i * k + p]! * b[tb ? j * k + p : p * n + j]!;
      out.push(s);
    }
  return out;
}

describe('native sgemm on wasm memory', () => {
  it.skipIf(!addon)(`matches hand-computed values${needsAddon}`, () => {
    // [[1,2],[3,4]]·[[5,6],[7,8]] = [[1·5+2·7, 1·6+2·8], [3·5+4·7, 3·6+4·8]] = [[19, 22], [43, 50]]
    const { heap, a, b, c } = setUp(Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6, 7, 8), 4);
    addon!.sgemm(heap.f32, 0, 0, 2, 2, 2, 1, a, 2, b, 2, 0, c, 2, 1);
    expect(Array.from(heap.viewOf(c, 4, 'float32'))).toEqual([19, 22, 43, 50]);
    // beta = 1 accumulates: C += Aᵀ·B = [[1·5+3·7, 1·6+3·8], [2·5+4·7, 2·6+4·8]] = [[26, 30], [38, 44]]
    addon!.sgemm(heap.f32, 1, 0, 2, 2, 2, 1, a, 2, b, 2, 1, c, 2, 1);
    expect(Array.from(heap.viewOf(c, 4, 'float32'))).toEqual([45, 52, 81, 94]);
  });

  it.skipIf(!addon)(
    `every transpose combination, accumulate, both thread counts, odd sizes${needsAddon}`,
    () => {
      const [m, n, k] = [37, 29, 53];
      for (const [ta, tb, beta, threads] of [
        [false, false, 0, 1],
        [true, false, 1, 2],
        [false, true, 0, 2],
        [true, true, 1, 1],
      ] as const) {
        const av = rand(m * k, 1);
        const bv = rand(k * n, 2);
        const { heap, a, b, c } = setUp(av, bv, m * n);
        const c0 = heap.f32.slice(c >> 2, (c >> 2) + m * n);
        addon!.sgemm(heap.f32, +ta, +tb, m, n, k, 1, a, ta ? m : k, b, tb ? k : n, beta, c, n, threads);
        const got = Array.from(heap.viewOf(c, m * n, 'float32'));
        expectClose(
          got,
          reference(av, bv, c0, m, n, k, ta, tb, beta),
          `ta=${ta} tb=${tb} beta=${beta}`,
          1e-5,
          1e-5,
        );
      }
    },
  );

  it.skipIf(!addon)(`k = 0 scales C by beta, and works on a SharedArrayBuffer${needsAddon}`, () => {
    const shared = new Float32Array(new SharedArrayBuffer(64));
    shared.fill(3);
    addon!.sgemm(shared, 0, 0, 2, 2, 0, 1, 0, 1, 0, 2, 1, 16, 2, 1);
    expect(Array.from(shared.subarray(4, 8))).toEqual([3, 3, 3, 3]);
    addon!.sgemm(shared, 0, 0, 2, 2, 0, 1, 0, 1, 0, 2, 0, 16, 2, 1);
    expect(Array.from(shared.subarray(4, 8))).toEqual([0, 0, 0, 0]);
    shared.fill(1, 0, 8); // A = B = ones(2, 2) at bytes 0 and 16, C at 32
    addon!.sgemm(shared, 0, 0, 2, 2, 2, 1, 0, 2, 16, 2, 0, 32, 2, 2);
    expect(Array.from(shared.subarray(8, 12))).toEqual([2, 2, 2, 2]);
  });
});

describe('native sgemm validates every call before touching memory', () => {
  // Buffer of 64 floats (256 bytes): A 4×4 at 0, B 4×4 at 64, C 4×4 at 128; bytes 192-255 spare.
  const mem = new Float32Array(64);
  const good = [mem, 0, 0, 4, 4, 4, 1, 0, 4, 64, 4, 0, 128, 4, 1] as const;
  type Args = Parameters<NonNullable<typeof addon>['sgemm']>;
  const bad: [string, (args: unknown[]) => void, RegExp][] = [
    [
      'C past the end',
      (a) => (a[12] = 196),
      /C \[4×4, ld 4\] at byte 196 ends at byte 260, past the buffer's 256/,
    ],
    ['A past the end', (a) => (a[7] = 200), /A \[4×4, ld 4\] at byte 200/],
    [
      'B read transposed past the end',
      (a) => a.splice(2, 1, 1) && a.splice(9, 1, 196),
      /B \[4×4, ld 4\] at byte 196/,
    ],
    ['a huge leading dimension', (a) => (a[13] = 1e6), /C .* past the buffer/],
    ['lda shorter than a row', (a) => (a[8] = 3), /A leading dimension 3 < 4/],
    ['a negative size', (a) => (a[3] = -1), /m = -1 is not an integer/],
    ['a fractional size', (a) => (a[5] = 2.5), /k = 2.5 is not an integer/],
    ['a misaligned offset', (a) => (a[9] = 66), /B offset 66 is not a multiple of 4/],
    ['a string', (a) => (a[4] = '4'), /n must be a number/],
    ['negative threads', (a) => (a[14] = -1), /threads = -1 is not an integer in \[0, 256\]/],
    ['too many threads', (a) => (a[14] = 257), /threads = 257/],
    ['NaN beta', (a) => (a[11] = Number.NaN), /alpha and beta/],
    ['a Float64Array', (a) => (a[0] = new Float64Array(64)), /memory must be a Float32Array/],
    ['a plain array', (a) => (a[0] = [1, 2, 3]), /memory must be a Float32Array/],
    ['C over A', (a) => (a[12] = 32), /C overlaps A or B/],
    ['a missing argument', (a) => a.pop(), /expected 15 arguments, got 14/],
  ];
  for (const [what, change, message] of bad) {
    it.skipIf(!addon)(`throws on ${what}${needsAddon}`, () => {
      mem.fill(1);
      const args: unknown[] = [...good];
      change(args);
      expect(() => addon!.sgemm(...(args as Args))).toThrow(message);
      expect(mem.every((v) => v === 1)).toBe(true); // nothing was written
    });
  }
  it.skipIf(!addon)(`accepts the same call when it is in bounds${needsAddon}`, () => {
    mem.fill(1);
    addon!.sgemm(...good);
    expect(Array.from(mem.subarray(32, 48))).toEqual(new Array(16).fill(4));
  });
});

describe('native routing', () => {
  it.skipIf(!addon)(
    `sends products above the threshold to the addon, unless the heap opted out${needsAddon}`,
    () => {
      const [m, n, k] = [32, 24, 24]; // m·n·k = 18432 ≥ NATIVE_MIN_MNK
      expect(m * n * k).toBeGreaterThanOrEqual(NATIVE_MIN_MNK);
      const av = rand(m * k, 3);
      const bv = rand(k * n, 4);
      const { heap, a, b, c } = setUp(av, bv, m * n);
      expect(nativeGemm(heap, m, n, k, operand(a, m, k, false), operand(b, k, n, false), c, n, false)).toBe(
        true,
      );
      const got = Array.from(heap.viewOf(c, m * n, 'float32'));
      expectClose(
        got,
        reference(av, bv, new Float32Array(m * n), m, n, k, false, false, 0),
        'routed',
        1e-5,
        1e-5,
      );
      expect(nativeGemm(heap, 4, 4, 4, operand(a, 4, 4, false), operand(b, 4, 4, false), c, 4, false)).toBe(
        false,
      );
      disableNative(heap);
      expect(nativeFor(heap)).toBe(null);
      expect(nativeGemm(heap, m, n, k, operand(a, m, k, false), operand(b, k, n, false), c, n, false)).toBe(
        false,
      );
    },
  );
  it('reports why the addon is on or off', () => {
    expect(status.reason.length).toBeGreaterThan(0);
    expect(status.active).toBe(addon !== null);
    if (process.env.TENSILE_NATIVE === '0') expect(status.reason).toMatch(/TENSILE_NATIVE=0/);
  });
});
