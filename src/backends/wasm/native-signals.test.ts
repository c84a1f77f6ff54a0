import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nativeAddon, nativeStatus } from './native-loader.js';

// oneDNN 2.6's sgemm corrupted the C heap when a signal handler ran during a product: training under
// `node --cpu-prof` aborted with "corrupted size vs. prev_size". The addon now holds asynchronous
// signals for the length of a call. These tests run native products while signals arrive.
const addon = nativeAddon();
const skipReason = addon ? '' : ` (skipped: native addon off, ${nativeStatus().reason})`;
const loop = join(import.meta.dirname, 'test-utils', 'native-gemm-loop.ts');
const convLoop = join(import.meta.dirname, 'test-utils', 'native-conv-loop.ts');
const convSkip = addon?.convolutions ? '' : ' (skipped: no oneDNN convolutions in this build)';
const expected = 128 * 512 * 784;

/** Runs the GEMM loop in a child with the given node flags; `poke` sends it signals while it runs. */
function runLoop(flags: string[], poke?: (pid: number) => void, threads = '1', program = loop) {
  return new Promise<{ code: number | null; signal: string | null; out: string; err: string }>((resolve) => {
    const child = spawn(process.execPath, [...flags, '--import', 'tsx', program, '1500'], {
      env: { ...process.env, TENSILE_NATIVE_THREADS: threads },
    });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | null = null;
    child.stdout.on('data', (d) => {
      out += d;
      if (poke && !timer && out.includes('ready')) timer = setInterval(() => child.pid && poke(child.pid), 2);
      if (timer && out.includes('"calls"')) clearInterval(timer);
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code, signal) => {
      if (timer) clearInterval(timer);
      resolve({ code, signal, out: out.trim().split('\n').at(-1) ?? '', err });
    });
  });
}

describe('native GEMMs while signals arrive', () => {
  // `split`: the products' rows are split with the addon's helper thread, which must not take signals.
  it.skipIf(!addon).each(['1', 'split'])(
    `survive the --cpu-prof sampler (SIGPROF), TENSILE_NATIVE_THREADS=%s${skipReason}`,
    async (threads) => {
      const dir = join(tmpdir(), `tensile-prof-${process.pid}-${threads}`);
      try {
        const r = await runLoop(
          ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=200'],
          undefined,
          threads,
        );
        expect(r.err).not.toMatch(/corrupted|double free|Aborted/);
        expect({ code: r.code, signal: r.signal }).toEqual({ code: 0, signal: null });
        const result = JSON.parse(r.out);
        expect(result.calls).toBeGreaterThan(5);
        expect(result.last).toBe(expected);
        if (threads === 'split') expect(result.splits).toBeGreaterThan(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );

  it.skipIf(!addon).each(['1', 'split'])(
    `survive handled process signals (SIGUSR2, SIGWINCH), TENSILE_NATIVE_THREADS=%s${skipReason}`,
    async (threads) => {
      let n = 0;
      const r = await runLoop(
        [],
        (pid) => {
          try {
            process.kill(pid, n++ % 2 ? 'SIGUSR2' : 'SIGWINCH');
          } catch {
            // The child has exited between two ticks.
          }
        },
        threads,
      );
      expect(r.err).not.toMatch(/corrupted|double free|Aborted/);
      expect({ code: r.code, signal: r.signal }).toEqual({ code: 0, signal: null });
      const result = JSON.parse(r.out);
      expect(result.calls).toBeGreaterThan(5);
      expect(result.last).toBe(expected);
      if (threads === 'split') expect(result.splits).toBeGreaterThan(0);
      expect(n).toBeGreaterThan(50);
    },
    60_000,
  );
});

describe('oneDNN convolutions while signals arrive', () => {
  // dx at a corner pixel: 4 windows × 64 filters; dkernel's corner tap: 13·13 positions × 32 images;
  // its centre tap: 14·14 × 32.
  const want = [4 * 64, 13 * 13 * 32, 14 * 14 * 32];
  it.skipIf(!addon?.convolutions).each(['1', 'split'])(
    `survive the --cpu-prof sampler and handled signals, TENSILE_NATIVE_THREADS=%s${convSkip}`,
    async (threads) => {
      const dir = join(tmpdir(), `tensile-prof-conv-${process.pid}-${threads}`);
      let n = 0;
      try {
        const poke = (pid: number) => {
          try {
            process.kill(pid, n++ % 2 ? 'SIGUSR2' : 'SIGWINCH');
          } catch {
            // The child has exited between two ticks.
          }
        };
        const flags = ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=200'];
        const r = await runLoop(flags, poke, threads, convLoop);
        expect(r.err).not.toMatch(/corrupted|double free|Aborted/);
        expect({ code: r.code, signal: r.signal }).toEqual({ code: 0, signal: null });
        const result = JSON.parse(r.out);
        expect(result.calls).toBeGreaterThan(3);
        expect(result.convCalls).toBeGreaterThanOrEqual(3 * result.calls);
        expect(result.values).toEqual(want);
        expect(n).toBeGreaterThan(20);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
