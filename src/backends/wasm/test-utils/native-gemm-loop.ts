/**
 * Child program for native-signals.test.ts: runs native GEMMs in a loop on the wasm backend while the
 * process receives signals, then prints the checksum of the last product. Run with --cpu-prof (SIGPROF
 * every ~1 ms) or while the parent sends SIGWINCH/SIGUSR2, both of which have handlers in this process.
 */
import { getBackend, matmul, setBackend, sum, tensor } from '../../../index.js';
import { wasmBackend } from '../index.js';
import { nativeHelperStats } from '../native-loader.js';

setBackend(wasmBackend);
process.on('SIGUSR2', () => {});
process.on('SIGWINCH', () => {});
// The parent starts sending signals only once the handlers are in place.
console.log('ready');
const ones = (n: number) => new Float32Array(n).fill(1);
const a = tensor(ones(128 * 784), [128, 784]);
const b = tensor(ones(784 * 512), [784, 512]);
const until = Date.now() + Number(process.argv[2] ?? 1500);
let last = 0;
let calls = 0;
// Yield to the event loop between products so signal handlers in JavaScript run too.
while (Date.now() < until) {
  const c = matmul(a, b);
  last = sum(c).dataSync()[0]!;
  c.dispose();
  calls++;
  if (calls % 4 === 0) await new Promise((r) => setImmediate(r));
}
const helper = nativeHelperStats();
console.log(JSON.stringify({ backend: getBackend().name, calls, last, splits: helper?.splits ?? 0 }));
// Node restores default signal actions while it exits: give the parent time to stop sending first.
await new Promise((r) => setTimeout(r, 300));
