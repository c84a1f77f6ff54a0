import type { RunResult } from './types.js';

/** Helpers that turn measured histories into sentences; every number comes from the runs. */
export const last = (xs: number[] | undefined) => (xs && xs.length > 0 ? xs[xs.length - 1]! : Number.NaN);

/** Value at 1-based epoch `e`, or the last one if the run was shorter. */
export const atEpoch = (xs: number[] | undefined, e: number) =>
  xs && xs.length > 0 ? xs[Math.min(e, xs.length) - 1]! : Number.NaN;

/** First 1-based epoch where `xs` reaches `threshold` (≥), or null. */
export function firstReaching(xs: number[] | undefined, threshold: number): number | null {
  const i = (xs ?? []).findIndex((v) => v >= threshold);
  return i < 0 ? null : i + 1;
}

const f4 = (v: number) => (Number.isNaN(v) ? 'n/a' : v.toFixed(4));

/** "BN reached training loss X after 2 epochs vs Y without" and friends, for a pair of runs. */
export function comparePair(withRun: RunResult, without: RunResult, what: string): string[] {
  const e = Math.min(2, withRun.history.loss?.length ?? 0, without.history.loss?.length ?? 0);
  const lw = atEpoch(withRun.history.loss, e);
  const lo = atEpoch(without.history.loss, e);
  const ratio = lo / lw;
  const out = [
    `${what}: training loss after ${e} epoch${e === 1 ? '' : 's'} was ${f4(lw)} with BN vs ${f4(lo)} without` +
      (Number.isFinite(ratio)
        ? ` (${ratio >= 1 ? `${ratio.toFixed(2)}× lower with BN` : `${(1 / ratio).toFixed(2)}× higher with BN`}).`
        : '.'),
    `${what}: final validation accuracy ${f4(last(withRun.history.val_accuracy))} with BN vs ${f4(last(without.history.val_accuracy))} without; final training loss ${f4(last(withRun.history.loss))} vs ${f4(last(without.history.loss))}.`,
  ];
  const thresholds = [0.9, 0.95, 0.97];
  for (const t of thresholds) {
    const a = firstReaching(withRun.history.val_accuracy, t);
    const b = firstReaching(without.history.val_accuracy, t);
    if (a === null && b === null) continue;
    const show = (x: number | null, run: RunResult) =>
      x === null ? `not within ${run.epochsRun} epochs` : `epoch ${x}`;
    out.push(
      `${what}: validation accuracy first reached ${t} at ${show(a, withRun)} with BN vs ${show(b, without)} without.`,
    );
    break;
  }
  return out;
}

/** Ranks runs by final training loss: "lowest final training loss: ...". */
export function rankByLoss(runs: RunResult[]): string {
  const sorted = [...runs].sort((a, b) => last(a.history.loss) - last(b.history.loss));
  return `Final training loss, lowest first: ${sorted.map((r) => `${r.label} ${f4(last(r.history.loss))}`).join('; ')}.`;
}
