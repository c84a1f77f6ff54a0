#!/usr/bin/env node
/**
 * Checks one build of the native addon (its products, and the oneDNN build's convolution) and measures it; run by native/build.mjs in a child process
 * (so a build that crashes on load or on its first GEMM cannot take the installer down).
 * Usage: node native/verify.mjs <addon.node>. Prints one JSON line:
 * { library, version, kernel, gflops, gflops2, gflopsSplit } (GFLOP/s of 128×784·784×512 on 1 and
 * 2 BLAS threads, and split across the addon's helper thread).
 */
import { createRequire } from 'node:module';

const file = process.argv[2];
const addon = createRequire(import.meta.url)(file);
const ABI = 5; // TENSILE_NATIVE_ABI in tensile_native.c
if (addon.abi !== ABI || typeof addon.sgemm !== 'function' || typeof addon.tuneMalloc !== 'function')
  throw new Error(`${file}: not a Tensile native addon of ABI ${ABI}`);
const SPLIT = 0; // the `threads` value that splits C's rows with the helper thread

const memory = new WebAssembly.Memory({ initial: 128 }); // 8 MiB, like a small wasm heap
const f32 = new Float32Array(memory.buffer);
let seed = 1;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;

/** Checks C = op(A)·op(B) + beta·C on every transpose combination against a plain loop. */
function checkProducts() {
  const [m, n, k] = [37, 29, 41];
  const [a, b, c] = [0, 4096, 8192]; // element offsets
  for (const [ta, tb, beta] of [
    [0, 0, 0],
    [1, 0, 1],
    [0, 1, 0],
    [1, 1, 1],
  ]) {
    for (let i = 0; i < 12288; i++) f32[i] = rand();
    const want = new Float64Array(m * n);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = beta * f32[c + i * n + j];
        for (let p = 0; p < k; p++)
          s += f32[a + (ta ? p * m + i : i * k + p)] * f32[b + (tb ? j * k + p : p * n + j)];
        want[i * n + j] = s;
      }
    const before = f32.slice(c, c + m * n);
    for (const threads of [1, SPLIT]) {
      f32.set(before, c);
      addon.sgemm(f32, ta, tb, m, n, k, 1, a * 4, ta ? m : k, b * 4, tb ? k : n, beta, c * 4, n, threads);
      for (let i = 0; i < m * n; i++) {
        if (Math.abs(f32[c + i] - want[i]) > 1e-4)
          throw new Error(`wrong product (transA ${ta}, transB ${tb}, threads ${threads}) at ${i}`);
      }
    }
  }
}

/** Checks the oneDNN build's convolution (3×3 same, stride 1, bias, relu; 2 images) against a plain loop. */
function checkConvolution() {
  const [n, h, c, f] = [2, 5, 2, 3];
  const g = [n, h, h, c, f, 3, 3, 1, 1, 1, 1, 1, 1, h, h];
  const [x, k, b, y] = [0, 1024, 2048, 4096]; // element offsets
  for (let i = 0; i < 4096; i++) f32[i] = rand();
  if (!addon.conv2d(f32, 0, g, x * 4, k * 4, b * 4, y * 4, 1, 1))
    throw new Error('no oneDNN convolution for 3×3 same');
  for (let i = 0; i < n; i++)
    for (let r = 0; r < h; r++)
      for (let q = 0; q < h; q++)
        for (let o = 0; o < f; o++) {
          let s = f32[b + o];
          for (let p = 0; p < 9; p++) {
            const [rr, qq] = [r + Math.floor(p / 3) - 1, q + (p % 3) - 1];
            if (rr < 0 || rr >= h || qq < 0 || qq >= h) continue;
            for (let ci = 0; ci < c; ci++)
              s += f32[x + ((i * h + rr) * h + qq) * c + ci] * f32[k + (p * c + ci) * f + o];
          }
          if (Math.abs(f32[y + ((i * h + r) * h + q) * f + o] - Math.max(0, s)) > 1e-4)
            throw new Error(`wrong convolution at image ${i}, (${r}, ${q}), filter ${o}`);
        }
}

/** Best GFLOP/s of the MNIST MLP's first product over a few repetitions. */
function gflops(threads) {
  const [m, n, k] = [128, 512, 784];
  const [a, b, c] = [0, m * k * 4, (m * k + k * n) * 4];
  let best = Infinity;
  for (let r = 0; r < 12; r++) {
    const t0 = process.hrtime.bigint();
    addon.sgemm(f32, 0, 0, m, n, k, 1, a, k, b, n, 0, c, n, threads);
    best = Math.min(best, Number(process.hrtime.bigint() - t0));
  }
  return Math.round((2 * m * n * k) / best);
}

const info = addon.info(); // before any call sets the thread count: maxThreads is the library's default
checkProducts();
if (info.library === 'onednn' && addon.convolutions !== true)
  throw new Error(`${file}: the oneDNN build has no convolutions`);
if (addon.convolutions) checkConvolution();
console.log(JSON.stringify({ ...info, gflops: gflops(1), gflops2: gflops(2), gflopsSplit: gflops(SPLIT) }));
