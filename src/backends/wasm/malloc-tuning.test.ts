import { describe, expect, it } from 'vitest';
import { MALLOC_MMAP_THRESHOLD, MALLOC_TRIM_THRESHOLD, tuneMallocFromEnv } from './malloc-tuning.js';
import { nativeAddon } from './native-loader.js';

describe('malloc tuning', () => {
  it('applies the thresholds by default and leaves malloc alone when asked or already configured', () => {
    const calls: number[][] = [];
    const tune = (m: number, t: number) => calls.push([m, t]) > 0;
    expect(tuneMallocFromEnv(tune, {})).toMatch(/^glibc malloc: blocks from 1 MiB/);
    expect(calls).toEqual([[MALLOC_MMAP_THRESHOLD, MALLOC_TRIM_THRESHOLD]]);
    expect(tuneMallocFromEnv(tune, { TENSILE_MALLOC_TUNING: '0' })).toMatch(/TENSILE_MALLOC_TUNING=0/);
    expect(tuneMallocFromEnv(tune, { MALLOC_MMAP_THRESHOLD_: '65536', MALLOC_TRIM_THRESHOLD_: '1' })).toBe(
      'glibc malloc as configured (MALLOC_MMAP_THRESHOLD_ and MALLOC_TRIM_THRESHOLD_ set in the environment)',
    );
    expect(calls).toHaveLength(1);
    expect(tuneMallocFromEnv(() => false, {})).toBe('malloc as configured (not glibc)');
  });

  const addon = nativeAddon();
  const needsAddon = addon ? '' : ' (skipped: no native addon in this process)';
  it.skipIf(!addon)(`the addon applies them on glibc and names a bad size${needsAddon}`, () => {
    expect(addon!.tuneMalloc(MALLOC_MMAP_THRESHOLD, MALLOC_TRIM_THRESHOLD)).toBe(
      process.platform === 'linux',
    );
    expect(() => addon!.tuneMalloc(64 << 20, MALLOC_TRIM_THRESHOLD)).toThrow(
      /tuneMalloc: mmap threshold = 6.71089e\+07 is not an integer in \[4096, 33554432\]/,
    );
    expect(() => addon!.tuneMalloc(MALLOC_MMAP_THRESHOLD, 1.5)).toThrow(
      /tuneMalloc: trim threshold = 1.5 is not an integer/,
    );
    expect(() => (addon!.tuneMalloc as unknown as (a: number) => boolean)(1)).toThrow(
      /tuneMalloc: expected 2 arguments, got 1/,
    );
  });
});
