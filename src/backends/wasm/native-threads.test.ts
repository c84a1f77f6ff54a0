import { describe, expect, it } from 'vitest';
import { EXPLORE_EVERY, ThreadChooser } from './native-threads.js';

/** Runs `calls` products of size mnk, each taking seconds-per-mnk `cost(threads)`; returns the picks. */
function simulate(
  chooser: ThreadChooser,
  mnk: number,
  calls: number,
  cost: (threads: number) => number,
): number[] {
  const picks: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t = chooser.choose(mnk);
    picks.push(t);
    chooser.record(mnk, t, cost(t) * mnk);
  }
  return picks;
}

describe('ThreadChooser', () => {
  it('times one thread, then several, then keeps the faster and re-times the other now and then', () => {
    const c = new ThreadChooser(2);
    const picks = simulate(c, 1e6, 200, (t) => (t === 1 ? 2e-11 : 1.1e-11)); // idle machine: 2 threads 1.8× faster
    expect(picks.slice(0, 2)).toEqual([1, 2]);
    const ones = picks.slice(2).filter((t) => t === 1).length;
    expect(ones).toBe(Math.floor(200 / EXPLORE_EVERY)); // only the re-timings
  });

  it('moves to one thread when the second core gets busy, and back when it is free again', () => {
    const c = new ThreadChooser(2);
    simulate(c, 1e6, 50, (t) => (t === 1 ? 2e-11 : 1.1e-11));
    let busy = true;
    const loaded = simulate(c, 1e6, 200, (t) => (t === 1 ? 2e-11 : busy ? 1e-10 : 1.1e-11)); // 2 threads 5× slower
    expect(loaded.slice(-100).filter((t) => t === 2).length).toBeLessThanOrEqual(
      Math.ceil(100 / EXPLORE_EVERY),
    );
    busy = false;
    const freed = simulate(c, 1e6, 600, (t) => (t === 1 ? 2e-11 : busy ? 1e-10 : 1.1e-11));
    expect(freed.slice(-100).filter((t) => t === 1).length).toBeLessThanOrEqual(
      Math.ceil(100 / EXPLORE_EVERY),
    );
  });

  it('keeps separate timings per size class, and never splits with one thread available', () => {
    const c = new ThreadChooser(2);
    simulate(c, 1e6, 20, (t) => (t === 1 ? 1e-11 : 3e-11)); // small-ish: one thread wins
    simulate(c, 1e8, 20, (t) => (t === 1 ? 2e-11 : 1e-11)); // large: two threads win
    expect(c.choose(1.1e6)).toBe(1);
    expect(c.choose(1.2e8)).toBe(2);
    expect(simulate(new ThreadChooser(1), 1e8, 10, () => 1e-11)).toEqual(new Array(10).fill(1));
  });
});
