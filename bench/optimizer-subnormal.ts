/**
 * Times one fused optimizer step over the Fashion-MNIST CNN's 333,526 parameters with ordinary,
 * tiny and stopped gradients. A stopped gradient (a dead unit) lets the slots decay towards the
 * subnormal range, where x86 arithmetic is ~40× slower; the kernels flush such slots to zero (see
 * src/backends/wasm/assembly/optimizer.ts). Usage: tsx bench/optimizer-subnormal.ts
 */
import { Adam, type Optimizer, RMSprop, SGD, tensor, Variable } from '../src/index.js';

const N = 333_526;
const optimizers: [string, () => Optimizer][] = [
  ['adam', () => new Adam({ learningRate: 1e-3 })],
  ['sgd momentum', () => new SGD({ learningRate: 1e-2, momentum: 0.9 })],
  ['rmsprop', () => new RMSprop({ learningRate: 1e-3 })],
];
const filled = (scale: number) =>
  tensor(
    Float32Array.from({ length: N }, (_, i) => scale * Math.cos(i)),
    [N],
  );

for (const [name, make] of optimizers) {
  for (const gradient of ['1e-3', '1e-19', '1e-30', 'stopped'] as const) {
    const w = new Variable(filled(1));
    const opt = make();
    const g = filled(gradient === 'stopped' ? 1e-3 : Number(gradient));
    for (let i = 0; i < 50; i++) opt.applyGradients([g], [w]);
    const timed = gradient === 'stopped' ? filled(0) : g;
    // Stopped: 800 zero-gradient steps first, so the slots have decayed (Adam's momentum by 0.9^800).
    if (gradient === 'stopped') for (let i = 0; i < 800; i++) opt.applyGradients([timed], [w]);
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) opt.applyGradients([timed], [w]);
    console.log(`${name}, gradient ${gradient}: ${((performance.now() - t0) / 200).toFixed(3)} ms/step`);
  }
}
