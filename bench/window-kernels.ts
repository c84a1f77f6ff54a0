/**
 * Times the wasm backend's sliding-window kernels at the Fashion-MNIST CNN's shapes (batch 32):
 * patch extraction (im2col) and its adjoint (col2im) for both convolutions, max pooling and its
 * backward for both pooling layers. Median µs per call over many calls. Usage:
 *   tsx bench/window-kernels.ts [--calls 200] [--batch 32]
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { wasmBackend } from '../src/backends/wasm/index.js';
import { setBackend, tensor } from '../src/index.js';
import { convGeometry } from '../src/ops/conv-geometry.js';

const { values } = parseArgs({
  options: { calls: { type: 'string', default: '200' }, batch: { type: 'string', default: '32' } },
});
setBackend(wasmBackend);
const calls = Number(values.calls);
const n = Number(values.batch);
const b = wasmBackend;
const rand = (count: number) =>
  Float32Array.from({ length: count }, (_, i) => (Math.sin(i * 12.9898) * 43758.5453) % 1);

function time(label: string, fn: () => void): void {
  for (let i = 0; i < 5; i++) fn();
  const ts: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  ts.sort((p, q) => p - q);
  console.log(`${label.padEnd(46)} ${(ts[ts.length >> 1]! * 1000).toFixed(0).padStart(7)} µs`);
}

console.log(`# ${cpus()[0]?.model} · batch ${n} · ${calls} calls`);
for (const [h, c] of [
  [28, 1],
  [14, 32],
] as const) {
  const x = tensor(rand(n * h * h * c), [n, h, h, c]);
  const g = convGeometry('conv2d', x.shape, { kernel: [3, 3], padding: 'same' });
  const info = x.info('bench');
  time(`im2col 3×3 same on [${n},${h},${h},${c}]`, () => b.free(b.im2col!(info, g, 0)));
  const cols = tensor(rand(n * h * h * 9 * c), [n, h, h, 9, c]);
  time(`col2im 3×3 same into [${n},${h},${h},${c}]`, () => b.free(b.col2im!(cols.info('bench'), g, x.shape)));
}
for (const [h, c] of [
  [28, 32],
  [14, 64],
] as const) {
  const x = tensor(rand(n * h * h * c).map(Math.abs), [n, h, h, c]);
  const g = convGeometry('maxPool2d', x.shape, { kernel: [2, 2], strides: [2, 2], padding: 'valid' });
  let last: { y: unknown; index: unknown } | null = null;
  time(`maxPool 2×2 on [${n},${h},${h},${c}]`, () => {
    last = b.maxPool!(x.info('bench'), g);
    b.free(last.y);
    b.free(last.index);
  });
  const { y, index } = b.maxPool!(x.info('bench'), g);
  const shape = [n, h / 2, h / 2, c];
  const dy = { data: y, shape, dtype: 'float32' as const };
  const idx = { data: index, shape, dtype: 'int32' as const };
  time(`maxPoolBackward 2×2 into [${n},${h},${h},${c}]`, () => b.free(b.maxPoolBackward!(dy, idx, x.shape)));
}
