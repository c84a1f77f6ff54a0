/**
 * Trains the Fashion-MNIST CNN (C1 batch 32 or C2 batch 128) on a quarter of the real data for three
 * epochs, each followed by validation, and prints each epoch's wall and CPU seconds (CPU time is what
 * to compare on a shared machine) and the addon's convolution counters. For A/B runs alternate
 * TENSILE_NATIVE_CONV=0/1 and TENSILE_NATIVE_THREADS=1/split. Usage:
 *   TENSILE_DATA_DIR=/work/shared/data tsx bench/cnn-epoch-cpu.ts C2
 */
import { nativeAddon } from '../src/backends/wasm/native-loader.js';
import { setRandomSeed } from '../src/index.js';
import { workloads } from './workloads.js';

const id = process.argv[2] ?? 'C2';
const w = workloads().find((x) => x.id === id && x.family === 'cnn');
if (!w) throw new Error(`cnn-epoch-cpu: no CNN workload ${id} (C1 or C2)`);
setRandomSeed(1);
const data = await w.data(0.25);
const model = w.build();
const epochs: string[] = [];
for (let e = 0; e < 3; e++) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await model.fit(data.x, data.y, { epochs: 1, batchSize: w.batch, verbose: 0 });
  model.evaluate(data.xVal, data.yVal, { batchSize: w.batch });
  const cpu = process.cpuUsage(cpu0);
  epochs.push(
    `${((performance.now() - t0) / 1000).toFixed(2)} s wall / ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU`,
  );
}
const env = `TENSILE_NATIVE_CONV=${process.env.TENSILE_NATIVE_CONV ?? '1'} TENSILE_NATIVE_THREADS=${process.env.TENSILE_NATIVE_THREADS ?? '(default)'}`;
console.log(
  `${id} ${env}: ${epochs.join(', ')}; convolutions ${JSON.stringify(nativeAddon()?.convStats?.() ?? null)}`,
);
