import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nativeStatus } from '../backends/wasm/native-loader.js';
import { convLine, gemmLine, infoLines } from './info.js';

const buildScript = fileURLToPath(new URL('../../native/build.mjs', import.meta.url));

describe('tensile info', () => {
  it('names the native library, kernel, threads and file when the addon is on', () => {
    const on = {
      active: true,
      reason: 'built at install',
      library: 'onednn',
      version: '2.6.3',
      kernel: 'avx512_core',
      threads: 2,
      file: '/x/tensile-onednn.node',
    };
    expect(gemmLine(on)).toBe(
      'GEMMs: native onednn 2.6.3 (avx512_core kernel) from m·n·k ≥ 12000, 1 or 2 threads from m·n·k ≥ 1500000, ' +
        'whichever times faster (TENSILE_NATIVE_THREADS=split|N|auto sets it), WebAssembly below; built at install (/x/tensile-onednn.node)',
    );
    expect(gemmLine({ ...on, threadsFixed: true })).toMatch(/, 2 threads from m·n·k ≥ 1500000 \(TENSILE/);
    expect(gemmLine({ ...on, threads: 1, threadsFixed: true })).toMatch(/, 1 thread \(TENSILE/);
    expect(gemmLine({ ...on, split: true, threadsReason: 'split (TENSILE_NATIVE_THREADS=split)' })).toMatch(
      /, 1 thread, or from m·n·k ≥ 1000000 \(each of m, n, k ≥ 64\) rows split with a helper thread, whichever times faster \(TENSILE_NATIVE_THREADS=split\|N\|auto sets it: split \(TENSILE_NATIVE_THREADS=split\)\)/,
    );
  });
  it('says why the addon is off', () => {
    expect(gemmLine({ active: false, reason: 'turned off by TENSILE_NATIVE=0' })).toBe(
      'GEMMs: WebAssembly SIMD only; native addon off: turned off by TENSILE_NATIVE=0',
    );
  });
  it('prints version, CPU and this process’s GEMM path', () => {
    const lines = infoLines('9.9.9');
    expect(lines[0]).toMatch(/^tensile 9\.9\.9 \(node v\d+/);
    expect(lines[1]).toMatch(/^CPU: .+, \d+ cores$/);
    expect(lines[2]).toBe(gemmLine(nativeStatus()));
    expect(lines[3]).toBe(convLine(nativeStatus()));
  });
  it('says where convolutions run', () => {
    const on = {
      active: true,
      reason: 'built at install',
      library: 'onednn',
      version: '2.6.3',
      convolutions: true,
    };
    expect(convLine({ ...on, split: true }, {})).toBe(
      'Convolutions: native oneDNN 2.6.3 convolution primitives (forward with bias and relu, backward data and weights), ' +
        'the batch split with the helper thread from 1000000 multiply-adds, else 1 thread (TENSILE_NATIVE_CONV=0 turns them off)',
    );
    expect(convLine({ ...on, threads: 1, threadsFixed: true }, {})).toMatch(/weights\), 1 thread \(TENSILE/);
    expect(convLine({ ...on }, { TENSILE_NATIVE_CONV: '0' })).toMatch(
      /^Convolutions: WebAssembly .*; oneDNN's turned off by TENSILE_NATIVE_CONV=0$/,
    );
    expect(convLine({ ...on, library: 'openblas', convolutions: false }, {})).toMatch(
      /; the openblas build has no convolutions$/,
    );
    expect(convLine({ active: false, reason: 'off' }, {})).toMatch(/^Convolutions: WebAssembly \(Winograd/);
  });
});

describe('native/build.mjs', () => {
  it('never fails an install: a skipped build notes why and exits 0; --strict (build-native) exits 1', () => {
    const env = { ...process.env, TENSILE_NATIVE: '0' };
    const install = spawnSync(process.execPath, [buildScript], { env, encoding: 'utf8' });
    expect(install.status).toBe(0);
    expect(install.stdout).toMatch(
      /^tensile native: skipped \(TENSILE_NATIVE=0\); Tensile will use WebAssembly only/,
    );
    const strict = spawnSync(process.execPath, [buildScript, '--strict'], { env, encoding: 'utf8' });
    expect(strict.status).toBe(1);
    const unknown = { ...process.env, TENSILE_NATIVE: '', TENSILE_NATIVE_LIB: 'mkl' };
    const noLib = spawnSync(process.execPath, [buildScript], { env: unknown, encoding: 'utf8' });
    expect(noLib.status).toBe(0);
    expect(noLib.stdout).toMatch(
      /TENSILE_NATIVE_LIB=mkl is none of onednn, openblas; Tensile will use WebAssembly only/,
    );
  });
});
