/**
 * Picks one or several threads for each large native GEMM by measuring both as training runs.
 *
 * Why not a fixed count: a second thread makes the MNIST MLP's GEMMs 1.7-1.9× faster on an idle
 * 2-core machine, but when other processes hold the second core the library's threads wait for each
 * other at every barrier, and the same GEMMs were measured 5× slower than on one thread. Which case
 * holds changes while a program runs, so each size class keeps a moving average of the time per
 * multiply-add on each thread count, uses the faster, and re-times the other every EXPLORE_EVERY calls.
 * Measured on B1 (MNIST MLP, batch 128, a tenth of the data) with the machine loaded by other jobs:
 * fixed two threads 4.7 s/epoch, one thread 0.91 s. Recovery after the load goes takes about
 * 8 re-timings (320 products of a size class, a third of a B1 epoch).
 */

/** Calls between two re-timings of the slower option (its cost is at most 1/EXPLORE_EVERY of a call each). */
export const EXPLORE_EVERY = 40;
/**
 * Weight of the newest timing in the moving average. Symmetric, so the average estimates the mean
 * time: on a loaded machine two-thread timings scatter widely (0.3 to 40 ms for the same product),
 * and weighting the fast ones more made the chooser pick two threads on luck.
 */
const ALPHA = 0.25;

interface SizeClass {
  /** Moving average of seconds per m·n·k on [one thread, many threads]; NaN until timed. */
  readonly cost: [number, number];
  calls: number;
}

export class ThreadChooser {
  private readonly classes = new Map<number, SizeClass>();

  /** `many`: the `threads` value to try against one thread (a count, or SPLIT_THREADS for the split). */
  constructor(readonly many: number) {}

  /** The threads for the next product of this size: each option is timed first, then the faster wins. */
  choose(mnk: number): number {
    if (this.many === 1) return 1;
    const c = this.sizeClass(mnk);
    c.calls++;
    const [one, many] = c.cost;
    if (Number.isNaN(one)) return 1;
    if (Number.isNaN(many)) return this.many;
    const best = one <= many ? 1 : this.many;
    const other = best === 1 ? this.many : 1;
    return c.calls % EXPLORE_EVERY === 0 ? other : best;
  }

  /** Records how long a product of this size took on `threads` threads. */
  record(mnk: number, threads: number, seconds: number): void {
    const cost = this.sizeClass(mnk).cost;
    const i = threads === 1 ? 0 : 1;
    const perMnk = seconds / mnk;
    cost[i] = Number.isNaN(cost[i]) ? perMnk : (1 - ALPHA) * cost[i] + ALPHA * perMnk;
  }

  /** Products within a factor of two of each other share a size class (the MLP has a handful). */
  private sizeClass(mnk: number): SizeClass {
    const key = Math.round(Math.log2(mnk));
    let c = this.classes.get(key);
    if (!c) {
      c = { cost: [Number.NaN, Number.NaN], calls: 0 };
      this.classes.set(key, c);
    }
    return c;
  }
}
