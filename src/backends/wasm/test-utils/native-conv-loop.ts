/**
 * Child program for native-signals.test.ts: trains-like passes of a convolution by oneDNN (forward,
 * backward data and weights) in a loop on the wasm backend while the process receives signals, then
 * prints values whose exact results are known (ones in, ones out: counts of the windows' taps).
 */
import { valueAndGrads } from '../../../autograd/backward.js';
import { conv2d, setBackend, sum, tensor, Variable } from '../../../index.js';
import { wasmBackend } from '../index.js';
import { nativeAddon } from '../native-loader.js';

setBackend(wasmBackend);
process.on('SIGUSR2', () => {});
process.on('SIGWINCH', () => {});
console.log('ready');
const [n, h, c, f] = [32, 14, 32, 64];
const x = new Variable(tensor(new Float32Array(n * h * h * c).fill(1), [n, h, h, c]));
const k = new Variable(tensor(new Float32Array(9 * c * f).fill(1), [3, 3, c, f]));
const until = Date.now() + Number(process.argv[2] ?? 1500);
let calls = 0;
let values: number[] = [];
while (Date.now() < until) {
  const { value, grads } = valueAndGrads(() => sum(conv2d(x, k, null, { padding: 'same' })), [x, k]);
  const [dx, dk] = [grads[0]!.dataSync(), grads[1]!.dataSync()];
  // Exact whatever the summation order (integers below 2^24): a corner input pixel is read by 4 windows
  // per filter; the kernel's corner tap sees 13·13 positions of every image, its centre tap 14·14.
  values = [dx[0]!, dk[0]!, dk[4 * c * f]!];
  value.dispose();
  for (const g of grads) g.dispose();
  calls++;
  if (calls % 2 === 0) await new Promise((r) => setImmediate(r));
}
const stats = nativeAddon()?.convStats?.();
console.log(JSON.stringify({ calls, values, convCalls: stats?.calls ?? 0 }));
await new Promise((r) => setTimeout(r, 300));
