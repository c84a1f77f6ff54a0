import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeAtomic } from './atomic.js';
import { loadModel } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'tensile-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const root = new URL('../../', import.meta.url).pathname;

describe('atomic writes', () => {
  it('a failed write leaves the previous file and no temporary file', async () => {
    const path = join(dir, 'keep.bin');
    writeFileSync(path, 'previous');
    await expect(
      writeAtomic(path, (tmp) => {
        writeFileSync(tmp, 'half');
        throw new Error('disk on fire');
      }),
    ).rejects.toThrow(/cannot write '.*keep\.bin': disk on fire/);
    expect(readFileSync(path, 'utf8')).toBe('previous');
    expect(readdirSync(dir).filter((f) => f.startsWith('.tensile-tmp-'))).toEqual([]);
  });

  it('SIGKILL in the middle of a save never damages the last good checkpoint', async () => {
    // The child sets every weight to k, saves best.h5 and best.keras, prints "saved k", and loops.
    // On the third .keras save its preload writes half of the temporary zip, says "stalled" and
    // blocks, so the SIGKILL lands mid-write every time.
    const script = join(dir, 'saver.mts');
    writeFileSync(
      script,
      `import { Sequential } from ${JSON.stringify(join(root, 'src/models/sequential.ts'))};
import { Dense } from ${JSON.stringify(join(root, 'src/layers/dense.ts'))};
import { tensor } from ${JSON.stringify(join(root, 'src/ops/core.ts'))};
const model = new Sequential([new Dense(64, { inputShape: [64] }), new Dense(64)]);
for (let k = 1; ; k++) {
  model.setWeights(model.getWeights().map((w) => tensor(new Float32Array(w.size).fill(k), w.shape)));
  await model.save(process.argv[2] + '/best.h5');
  await model.save(process.argv[2] + '/best.keras');
  process.stdout.write('saved ' + k + '\\n');
}
`,
    );
    // Load h5wasm natively before tsx's hooks (tsx would spend seconds transforming its 4 MB glue).
    const h5wasm = join(root, 'node_modules/h5wasm/dist/node/hdf5_hl.js');
    const preload = join(dir, 'preload.mjs');
    writeFileSync(
      preload,
      `import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
${existsSync(h5wasm) ? `await import(${JSON.stringify(pathToFileURL(h5wasm).href)});` : ''}
const write = fs.writeFileSync;
let zips = 0;
fs.writeFileSync = (path, data, ...rest) => {
  if (/\\.tensile-tmp-best\\.keras-[^.]*$/.test(String(path)) && ++zips === 3) {
    write(path, data.subarray(0, data.length >> 1));
    process.stdout.write('stalled\\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  }
  return write(path, data, ...rest);
};
syncBuiltinESMExports();
`,
    );
    const args = ['--import', pathToFileURL(preload).href, '--import', 'tsx', script, dir];
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    await new Promise<void>((resolve, reject) => {
      child.on('exit', () => reject(new Error(`saver exited early: ${stderr}`)));
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('stalled')) {
          child.removeAllListeners('exit');
          child.on('exit', () => resolve());
          child.kill('SIGKILL');
        }
      });
    });
    expect(out).toBe('saved 1\nsaved 2\nstalled\n');
    const value = async (name: string) => {
      const weights = (await loadModel(join(dir, name))).getWeights();
      return [...new Set(weights.flatMap((w) => Array.from(w.dataSync())))];
    };
    expect(await value('best.keras')).toEqual([2]); // the previous checkpoint, intact
    expect(await value('best.h5')).toEqual([3]); // the save that completed before the crash
    const leftovers = readdirSync(dir).filter((f) => f.startsWith('.tensile-tmp-best.keras-'));
    expect(leftovers).toHaveLength(1);
    await expect(loadModel(join(dir, leftovers[0]!))).rejects.toThrow(/damaged \.keras zip archive/);
  }, 20_000);
});
