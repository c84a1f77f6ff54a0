/**
 * Split vs one-thread products for native-split.test.ts: random operands in a Float32Array, every
 * transpose combination, beta 0 and 1. Also run inside worker threads (as source text) and child
 * processes, so it takes the addon as an argument and uses nothing outside this file.
 */

/** The addon's sgemm, as far as these checks use it. */
export interface SgemmAddon {
  sgemm(mem: Float32Array, ...args: number[]): void;
}

/** One product's layout: op(A) m×k, op(B) k×n, C m×n with ldc = n + pad. */
export interface Shape {
  m: number;
  n: number;
  k: number;
  ta: number;
  tb: number;
  beta: number;
  pad: number;
}

export const rand = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return (seed / 2147483648 - 0.5) * (1 + (seed % 5));
};

/**
 * Computes `shape` on one BLAS thread and then `times` times with `threads` (0 = split) from the same
 * inputs; returns the index of the first element whose bits differ, or -1 when all are identical.
 */
export function compareSplit(
  addon: SgemmAddon,
  mem: Float32Array,
  s: Shape,
  threads: number,
  times = 2,
): number {
  const { m, n, k, ta, tb, beta, pad } = s;
  const lda = ta ? m + 1 : k + 3; // leading dimensions longer than a row, as views of larger tensors have
  const ldb = tb ? k + 2 : n;
  const ldc = n + pad;
  const aLen = (ta ? k : m) * lda;
  const bLen = (tb ? n : k) * ldb;
  const cLen = m * ldc;
  const [a, b, c] = [16, 16 + aLen + 5, 32 + aLen + bLen + 7]; // odd element offsets
  if (c + cLen > mem.length) throw new Error(`shape ${JSON.stringify(s)} needs ${c + cLen} floats`);
  const r = rand(m * 7919 + n * 31 + k);
  for (let i = 0; i < c + cLen; i++) mem[i] = r();
  const c0 = mem.slice(c, c + cLen);
  const run = (t: number) =>
    addon.sgemm(mem, ta, tb, m, n, k, 1, a * 4, lda, b * 4, ldb, beta, c * 4, ldc, t);
  run(1);
  const want = new Uint32Array(mem.slice(c, c + cLen).buffer);
  for (let time = 0; time < times; time++) {
    mem.set(c0, c);
    run(threads);
    const got = new Uint32Array(mem.slice(c, c + cLen).buffer);
    const differs = got.findIndex((v, i) => v !== want[i]);
    if (differs >= 0) return differs;
  }
  return -1;
}

/** Odd and round shapes around the sizes training uses, each with every transpose and both betas. */
export function splitShapes(): Shape[] {
  const sizes: [number, number, number][] = [
    [128, 512, 784],
    [784, 512, 128],
    [128, 784, 512],
    [97, 131, 211],
    [2, 300, 257],
    [3, 1000, 999],
    [33, 65, 1025],
    [255, 17, 129],
    [1, 777, 555],
    [64, 10, 512],
  ];
  const shapes: Shape[] = [];
  for (const [m, n, k] of sizes)
    for (const ta of [0, 1])
      for (const tb of [0, 1]) shapes.push({ m, n, k, ta, tb, beta: (m + ta + tb) % 2, pad: (n + tb) % 3 });
  return shapes;
}
