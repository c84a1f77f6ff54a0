import { describe, expect, it } from 'vitest';
import { DEFAULT_NATIVE_THREADS, parseNativeThreads } from './native-mode.js';

const parse = (env: Record<string, string>, cores = 2) => parseNativeThreads(env, cores);

describe('TENSILE_NATIVE_THREADS and TENSILE_NATIVE_SPIN_US', () => {
  it('reads split, auto, a count, and the default', () => {
    expect(parse({ TENSILE_NATIVE_THREADS: 'split' })).toEqual({
      threads: 1,
      split: true,
      threadsFixed: false,
      reason: 'split (TENSILE_NATIVE_THREADS=split)',
    });
    expect(parse({ TENSILE_NATIVE_THREADS: ' Split ' }).split).toBe(true);
    expect(parse({ TENSILE_NATIVE_THREADS: 'auto' }, 4)).toMatchObject({
      threads: 4,
      split: false,
      threadsFixed: false,
    });
    expect(parse({ TENSILE_NATIVE_THREADS: 'auto' }, 1)).toMatchObject({ threads: 1, threadsFixed: true });
    expect(parse({ TENSILE_NATIVE_THREADS: '3' })).toMatchObject({
      threads: 3,
      split: false,
      threadsFixed: true,
    });
    expect(parse({ TENSILE_NATIVE_THREADS: '1' }).reason).toBe('1 thread (TENSILE_NATIVE_THREADS=1)');
    const byDefault = parse({});
    expect(byDefault.reason).toMatch(/\(the default\)$/);
    // Both cores by default through the helper-thread split (measured faster, BENCHMARKS.md); one core
    // only means one thread.
    expect(byDefault).toMatchObject({ split: true, threads: 1 });
    expect(parse({}, 1)).toMatchObject({ split: false, threads: 1 });
    const { reason: _, ...asIfSet } = parse({ TENSILE_NATIVE_THREADS: DEFAULT_NATIVE_THREADS });
    expect(byDefault).toMatchObject(asIfSet);
    expect(byDefault.split).toBe(DEFAULT_NATIVE_THREADS === 'split');
  });

  it('falls back to one thread, saying why, on a bad value or a single core', () => {
    for (const bad of ['lots', '0', '-2', '1.5', '257', '2x']) {
      const m = parse({ TENSILE_NATIVE_THREADS: bad });
      expect(m, bad).toMatchObject({ threads: 1, split: false, threadsFixed: true });
      expect(m.reason).toBe(
        `1 thread (TENSILE_NATIVE_THREADS=${bad} refused: not split, auto or a count 1-256)`,
      );
    }
    expect(parse({ TENSILE_NATIVE_THREADS: 'split' }, 1)).toMatchObject({
      split: false,
      threads: 1,
      reason: '1 thread (TENSILE_NATIVE_THREADS=split, but one core only)',
    });
  });

  it('takes a spin time in whole microseconds up to one second', () => {
    expect(parse({ TENSILE_NATIVE_THREADS: 'split', TENSILE_NATIVE_SPIN_US: '0' }).spinMicros).toBe(0);
    expect(parse({ TENSILE_NATIVE_SPIN_US: '150' }).spinMicros).toBe(150);
    expect(parse({ TENSILE_NATIVE_SPIN_US: '' }).spinMicros).toBeUndefined();
    for (const bad of ['abc', '-1', '2.5', '1000001']) {
      const m = parse({ TENSILE_NATIVE_THREADS: 'split', TENSILE_NATIVE_SPIN_US: bad });
      expect(m.spinMicros, bad).toBeUndefined();
      expect(m.reason).toBe(
        `split (TENSILE_NATIVE_THREADS=split); TENSILE_NATIVE_SPIN_US=${bad} refused: not an integer 0-1000000`,
      );
    }
  });
});
