/**
 * Times loading the data sets from local files (targets: IMDB < 2 s, MNIST < 1 s on the dev machine).
 * Each data set is loaded first in a fresh child process (what a user's script pays), then a few
 * times more in-process. Run: npx tsx bench/data-load.ts   (data from TENSILE_DATA_DIR or ../shared/data)
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { datasets } from '../src/index.js';

type Name = 'mnist' | 'fashionMnist' | 'imdb';
const NAMES: Name[] = ['mnist', 'fashionMnist', 'imdb'];
process.env.TENSILE_DATA_DIR ??= '../shared/data';

async function timeOnce(name: Name): Promise<{ wall: number; cpu: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  if (name === 'imdb') await datasets.imdb.loadData({ numWords: 500 });
  else await datasets[name].loadData();
  const cpu = process.cpuUsage(cpu0);
  return { wall: performance.now() - t0, cpu: (cpu.user + cpu.system) / 1000 };
}

const only = process.argv[2] as Name | undefined;
if (only) {
  // Child mode: one cold load, reported as JSON to the parent.
  console.log(JSON.stringify(await timeOnce(only)));
} else {
  const self = fileURLToPath(import.meta.url);
  console.log('data set        cold wall   cold cpu   warm wall (median of 3)');
  for (const name of NAMES) {
    const out = execFileSync(process.execPath, [...process.execArgv, self, name], { encoding: 'utf8' });
    const cold = JSON.parse(out.trim().split('\n').at(-1)!) as { wall: number; cpu: number };
    const warm: number[] = [];
    for (let i = 0; i < 3; i++) warm.push((await timeOnce(name)).wall);
    warm.sort((a, b) => a - b);
    const ms = (v: number) => `${v.toFixed(0)} ms`.padStart(9);
    console.log(`${name.padEnd(14)}${ms(cold.wall)}  ${ms(cold.cpu)}   ${ms(warm[1]!)}`);
  }
}
