import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { nativeAddon, nativeStatus, SPLIT_THREADS } from './native-loader.js';
import { compareSplit, rand, splitShapes } from './test-utils/split-products.js';

// The row split (TENSILE_NATIVE_THREADS=split): C's rows in two blocks, one on the calling thread and
// one on the addon's helper thread. It must give exactly the bits of one BLAS thread, on every shape.
const addon = nativeAddon();
const skipReason = addon ? '' : ` (skipped: native addon off, ${nativeStatus().reason})`;
const utils = fileURLToPath(new URL('./test-utils/split-products.ts', import.meta.url));

/** The helper thread's blocked-signal mask, from /proc (it names itself tensile-helper). */
function helperSignalMask(): bigint | null {
  for (const tid of readdirSync('/proc/self/task')) {
    if (readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() !== 'tensile-helper') continue;
    const line = readFileSync(`/proc/self/task/${tid}/status`, 'utf8').match(/^SigBlk:\s*([0-9a-f]+)$/m);
    return line ? BigInt(`0x${line[1]}`) : null;
  }
  return null;
}
const bit = (signal: number) => 1n << BigInt(signal - 1);

describe('native row split', () => {
  it.skipIf(!addon)(`is bit-identical to one thread on odd shapes and every transpose${skipReason}`, () => {
    const mem = new Float32Array(4_000_000);
    const before = addon!.helperStats();
    const bad: string[] = [];
    for (const shape of splitShapes()) {
      const at = compareSplit(addon!, mem, shape, SPLIT_THREADS, 3);
      if (at >= 0) bad.push(`${JSON.stringify(shape)} differs at ${at}`);
    }
    expect(bad).toEqual([]);
    const after = addon!.helperStats();
    expect(after.error).toBe(null);
    expect(after.running).toBe(true);
    // The check must have split for real: most of these shapes are identical when split (oneDNN 2.6 and
    // OpenBLAS 0.3.21 refuse only m = 2 or 3, where a one-row half takes another code path). Each
    // verified shape's first call checks it, the next two split.
    const verified = after.verifiedShapes - before.verifiedShapes;
    expect(verified).toBeGreaterThan(24);
    expect(after.splits - before.splits).toBe(2 * verified);
    expect(after.takenBack + after.helperJobs).toBeGreaterThan(before.takenBack + before.helperJobs);
  });

  it.skipIf(!addon)(`runs on a thread that blocks asynchronous signals but not faults${skipReason}`, () => {
    compareSplit(addon!, new Float32Array(1_000_000), splitShapes()[0]!, SPLIT_THREADS);
    const mask = helperSignalMask();
    expect(mask).not.toBe(null);
    for (const signal of [2, 10, 12, 14, 15, 17, 27, 28])
      expect(mask! & bit(signal), `signal ${signal}`).not.toBe(0n);
    for (const fault of [4, 7, 8, 11]) expect(mask! & bit(fault), `fault ${fault}`).toBe(0n);
  });

  it.skipIf(!addon)(`falls back to one call when the helper cannot start${skipReason}`, () => {
    const script = [
      `import { compareSplit, splitShapes } from ${JSON.stringify(utils)};`,
      `const addon = (await import('node:module')).createRequire(import.meta.url)(${JSON.stringify(nativeStatus().file)});`,
      'const mem = new Float32Array(4_000_000);',
      'const bad = splitShapes().slice(0, 8).filter((s) => compareSplit(addon, mem, s, 0) >= 0);',
      'console.log(JSON.stringify({ bad: bad.length, stats: addon.helperStats() }));',
    ].join('\n');
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, TENSILE_NATIVE_HELPER_FAIL: '1' },
    });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(out.bad).toBe(0);
    expect(out.stats).toMatchObject({ running: false, splits: 0, helperJobs: 0 });
    expect(out.stats.error).toMatch(
      /helper thread could not be started: .*simulated by TENSILE_NATIVE_HELPER_FAIL=1/,
    );
    expect(out.stats.whole).toBeGreaterThan(8);
  });

  it.skipIf(!addon)(
    `gives the wasm backend's matmul the same bits as one thread${skipReason}`,
    () => {
      // Enough repetitions for the chooser to time both and split; every transpose; B1's sizes.
      const script = [
        "import { matmul, setBackend, tensor } from './src/index.ts';",
        "import { nativeHelperStats } from './src/backends/wasm/native-loader.ts';",
        "setBackend('wasm');",
        'const vals = (n, s) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.731 + s) * (1 + (i % 3)));',
        'let hash = 0;',
        'for (const [m, n, k] of [[128, 512, 784], [784, 512, 128], [128, 256, 256]])',
        '  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {',
        '    const a = tensor(vals(m * k, m), ta ? [k, m] : [m, k]);',
        '    const b = tensor(vals(k * n, n), tb ? [n, k] : [k, n]);',
        '    for (let r = 0; r < 12; r++) {',
        '      const bits = new Uint32Array(matmul(a, b, ta, tb).dataSync().buffer);',
        '      for (const v of bits) hash = (Math.imul(hash, 31) + v) | 0;',
        '    }',
        '  }',
        'console.log(JSON.stringify({ hash, splits: nativeHelperStats()?.splits ?? 0 }));',
      ].join('\n');
      const root = fileURLToPath(new URL('../../../', import.meta.url));
      const run = (threads: string) => {
        const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
          cwd: root,
          encoding: 'utf8',
          env: { ...process.env, TENSILE_NATIVE_THREADS: threads },
        });
        expect(r.status, r.stderr).toBe(0);
        return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { hash: number; splits: number };
      };
      const [one, split] = [run('1'), run('split')];
      expect(one.splits).toBe(0);
      expect(split.splits).toBeGreaterThan(0);
      expect(split.hash).toBe(one.hash);
    },
    60_000,
  );

  it.skipIf(!addon)(
    `stays correct when worker threads split at the same time${skipReason}`,
    async () => {
      // The worker gets the helpers as source text (a worker thread does not load TypeScript).
      const code = [
        `const rand = ${rand.toString()};`,
        `const compareSplit = ${compareSplit.toString()};`,
        `const splitShapes = ${splitShapes.toString()};`,
        `const addon = (await import('node:module')).createRequire(${JSON.stringify(utils)})(${JSON.stringify(nativeStatus().file)});`,
        'const mem = new Float32Array(4_000_000);',
        "const { parentPort } = await import('node:worker_threads');",
        'parentPort.postMessage(splitShapes().filter((s) => compareSplit(addon, mem, s, 0, 4) >= 0).length);',
      ].join('\n');
      const run = () =>
        new Promise<number>((resolve, reject) => {
          const w = new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`));
          w.on('message', resolve);
          w.on('error', reject);
        });
      const mem = new Float32Array(4_000_000);
      const workers = [run(), run()];
      const here = splitShapes().filter((s) => compareSplit(addon!, mem, s, SPLIT_THREADS, 4) >= 0).length;
      expect([here, ...(await Promise.all(workers))]).toEqual([0, 0, 0]);
    },
    60_000,
  );
});
