import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { addonProblem, loadNativeAddon, NATIVE_ABI } from './native-loader.js';

const dir = mkdtempSync(join(tmpdir(), 'tensile-native-'));
/** A process object for the loader: the real one with `env` replaced. */
const withEnv = (env: Record<string, string>) => ({ ...process, env: { ...env } });
const fake = (exports: unknown) => () => exports;
const goodExports = {
  abi: NATIVE_ABI,
  sgemm() {},
  holdSignals() {},
  releaseSignals() {},
  helperStats() {},
  setHelperSpin() {},
  tuneMalloc: () => true,
  convolutions: false,
  info: () => ({ library: 'fake', version: '1', kernel: 'none', maxThreads: 1 }),
};

describe('native addon loading falls back to wasm, with a reason', () => {
  it('is off when TENSILE_NATIVE=0', () => {
    const r = loadNativeAddon(withEnv({ TENSILE_NATIVE: '0' }), fake(goodExports));
    expect(r.addon).toBe(null);
    expect(r.status).toMatchObject({ active: false, reason: 'turned off by TENSILE_NATIVE=0' });
  });

  it('is off when the file is garbage, missing, or a shared library that is not an addon', () => {
    const garbage = join(dir, 'garbage.node');
    writeFileSync(garbage, Buffer.from('\x7fELF this is not a shared object at all'));
    const empty = join(dir, 'empty.node');
    writeFileSync(empty, '');
    const files = [garbage, join(dir, 'missing.node'), empty];
    // A real shared library without a module: dlopen succeeds, Node finds no addon in it.
    const libm = '/lib/x86_64-linux-gnu/libm.so.6';
    if (existsSync(libm)) files.push(libm);
    for (const file of files) {
      const r = loadNativeAddon(withEnv({ TENSILE_NATIVE_PATH: file }));
      expect(r.addon, file).toBe(null);
      expect(r.status.active).toBe(false);
      expect(r.status.reason).toMatch(/^failed to load: /);
      expect(r.status.file).toBe(file);
    }
  });

  it('is off when the module lacks a symbol or speaks another interface version', () => {
    const cases: [unknown, RegExp][] = [
      [{ ...goodExports, sgemm: undefined }, /no sgemm function/],
      [{ ...goodExports, info: 3 }, /no info function/],
      [{ ...goodExports, abi: NATIVE_ABI + 1 }, /interface version is 6, this Tensile needs 5/],
      [{ ...goodExports, abi: 3 }, /interface version is 3, this Tensile needs 5/], // a build from before the convolutions
      [{ ...goodExports, abi: 4 }, /interface version is 4, this Tensile needs 5/], // a build from before tuneMalloc
      [{ ...goodExports, tuneMalloc: undefined }, /no tuneMalloc function/],
      [{ ...goodExports, releaseSignals: undefined }, /no holdSignals\/releaseSignals/],
      [{ ...goodExports, setHelperSpin: undefined }, /no helperStats\/setHelperSpin/],
      [{ ...goodExports, convolutions: undefined }, /no convolutions flag/],
      [{ ...goodExports, convolutions: true }, /claims convolutions but has no conv2d\/convStats/],
      [null, /exports nothing/],
    ];
    for (const [exports, why] of cases) {
      expect(addonProblem(exports)).toMatch(why);
      const r = loadNativeAddon(withEnv({ TENSILE_NATIVE_PATH: '/x.node' }), fake(exports));
      expect(r.addon).toBe(null);
      expect(r.status.reason).toMatch(why);
    }
    expect(addonProblem(goodExports)).toBe(null);
  });

  it('is off when info() throws, and on (with its threads) when all is well', () => {
    const throwing = {
      ...goodExports,
      info: () => {
        throw new Error('boom');
      },
    };
    expect(
      loadNativeAddon(withEnv({ TENSILE_NATIVE_PATH: '/x.node' }), fake(throwing)).status.reason,
    ).toMatch(/failed its info\(\) call: boom/);
    const ok = loadNativeAddon(
      withEnv({ TENSILE_NATIVE_PATH: '/x.node', TENSILE_NATIVE_THREADS: '3' }),
      fake(goodExports),
    );
    expect(ok.addon).toBe(goodExports);
    expect(ok.status).toMatchObject({ active: true, library: 'fake', threads: 3 });
  });

  it('reads the build record: not built, another Node ABI, an unknown library', () => {
    const out = mkdtempSync(join(dir, 'out-'));
    const load = (env: Record<string, string> = {}) =>
      loadNativeAddon(withEnv(env), fake(goodExports), out).status;
    expect(load().reason).toMatch(/not built \(run `npx tensile build-native`\)/);
    writeFileSync(join(out, 'native.json'), '{ not json');
    expect(load().reason).toMatch(/unreadable build record/);
    const record = {
      chosen: 'onednn',
      nodeAbi: '1',
      builds: [{ library: 'onednn', file: 'tensile-onednn.node' }],
    };
    writeFileSync(join(out, 'native.json'), JSON.stringify(record));
    expect(load().reason).toMatch(`built for Node ABI 1, this Node is ${process.versions.modules}`);
    writeFileSync(join(out, 'native.json'), JSON.stringify({ ...record, nodeAbi: process.versions.modules }));
    expect(load({ TENSILE_NATIVE_LIB: 'mkl' }).reason).toMatch(/no mkl build/);
    expect(load()).toMatchObject({ active: true, file: join(out, 'tensile-onednn.node') });
  });

  it('reports the thread mode and applies TENSILE_NATIVE_SPIN_US', () => {
    const spins: number[] = [];
    const addon = { ...goodExports, setHelperSpin: (us: number) => spins.push(us) };
    const load = (env: Record<string, string>) =>
      loadNativeAddon(withEnv({ TENSILE_NATIVE_PATH: '/x.node', ...env }), fake(addon)).status;
    expect(load({ TENSILE_NATIVE_THREADS: 'split', TENSILE_NATIVE_SPIN_US: '75' })).toMatchObject({
      split: true,
      threads: 2,
      threadsReason: 'split (TENSILE_NATIVE_THREADS=split)',
    });
    expect(spins).toEqual([75]);
    expect(load({ TENSILE_NATIVE_THREADS: '2' })).toMatchObject({
      split: false,
      threads: 2,
      threadsFixed: true,
    });
    expect(spins).toEqual([75]); // not set again without the variable
  });

  it('tunes malloc once loaded, unless the environment says otherwise, and reports it', () => {
    const calls: number[][] = [];
    const addon = { ...goodExports, tuneMalloc: (m: number, t: number) => calls.push([m, t]) > 0 };
    const load = (env: Record<string, string>) =>
      loadNativeAddon(withEnv({ TENSILE_NATIVE_PATH: '/x.node', ...env }), fake(addon)).status.malloc;
    expect(load({})).toMatch(/^glibc malloc: blocks from 1 MiB mmapped, heap trimmed above 32 MiB/);
    expect(calls).toEqual([[1 << 20, 32 << 20]]);
    expect(load({ TENSILE_MALLOC_TUNING: '0' })).toMatch(/as configured \(TENSILE_MALLOC_TUNING=0\)/);
    expect(load({ MALLOC_TRIM_THRESHOLD_: '0' })).toMatch(/MALLOC_TRIM_THRESHOLD_ set in the environment/);
    expect(calls).toHaveLength(1);
    expect(loadNativeAddon(withEnv({ TENSILE_NATIVE: '0' }), fake(addon)).status.malloc).toBeUndefined();
    expect(calls).toHaveLength(1);
  });

  it('a process given a garbage addon still computes on wasm and says why', () => {
    const garbage = join(dir, 'garbage2.node');
    writeFileSync(garbage, Buffer.alloc(4096, 0xcc));
    const script = [
      "import { setBackend, matmul, tensor } from './src/index.ts';",
      "import { nativeStatus } from './src/backends/wasm/native-loader.ts';",
      "setBackend('wasm');",
      'const a = tensor(Array.from({ length: 64 * 64 }, (_, i) => (i % 7) - 3), [64, 64]);',
      'const s = matmul(a, a).dataSync().reduce((p, v) => p + v, 0);',
      'console.log(JSON.stringify({ s, status: nativeStatus() }));',
    ].join('\n');
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, TENSILE_NATIVE: '', TENSILE_NATIVE_PATH: garbage },
    });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(out.status.active).toBe(false);
    expect(out.status.reason).toMatch(/failed to load/);
    // Σ_ij (A·A)_ij with A_ij = ((64i + j) mod 7) - 3, computed in float64 by the same loop in plain JS.
    const a = (i: number, j: number) => ((i * 64 + j) % 7) - 3;
    let want = 0;
    for (let i = 0; i < 64; i++)
      for (let j = 0; j < 64; j++) for (let p = 0; p < 64; p++) want += a(i, p) * a(p, j);
    expect(out.s).toBe(want);
  });
});
