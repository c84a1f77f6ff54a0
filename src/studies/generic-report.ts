import { lineChart } from '../plot/line.js';
import { type Figure, figure, fmt, type Section, writeReport } from './report-writer.js';
import type { RunResult } from './types.js';

/** Losses and errors are better low; everything else a model logs (accuracy...) is better high. */
const lowerIsBetter = (key: string) => /loss|error|mse|mae/.test(key);

/** The best value of a history key and its 1-based epoch, or null when the run has none. */
export function bestOf(
  history: Record<string, number[]>,
  key: string,
): { value: number; epoch: number } | null {
  const xs = history[key] ?? [];
  let best = -1;
  for (let i = 0; i < xs.length; i++) {
    if (Number.isNaN(xs[i]!)) continue;
    if (best < 0 || (lowerIsBetter(key) ? xs[i]! < xs[best]! : xs[i]! > xs[best]!)) best = i;
  }
  return best < 0 ? null : { value: xs[best]!, epoch: best + 1 };
}

/** Every history key any run logged, losses first, training before validation. */
function metricKeys(results: RunResult[]): string[] {
  const keys = new Set(results.flatMap((r) => Object.keys(r.history)));
  const base = [...new Set([...keys].map((k) => k.replace(/^val_/, '')))];
  base.sort((a, b) => Number(b === 'loss') - Number(a === 'loss') || a.localeCompare(b));
  return base.flatMap((k) => [k, `val_${k}`]).filter((k) => keys.has(k));
}

const epochsOf = (r: RunResult) => Array.from({ length: r.history.loss?.length ?? 0 }, (_, i) => i + 1);

/** The runs table: label, each param, epochs, the best of every metric (with its epoch), time, pruning. */
function runsTable(results: RunResult[], keys: string[]) {
  const paramKeys = [...new Set(results.flatMap((r) => Object.keys(r.params)))];
  return {
    headers: [
      'Run',
      ...paramKeys,
      'Params',
      'Epochs run',
      ...keys.map((k) => `Best ${k} (epoch)`),
      'Seconds / epoch',
      'Pruned',
    ],
    rows: results.map((r) => [
      r.label,
      ...paramKeys.map((k) => String(r.params[k] ?? '')),
      r.params_count.toLocaleString('en-US'),
      r.epochsRun,
      ...keys.map((k) => {
        const b = bestOf(r.history, k);
        return b ? `${fmt.loss(b.value)} (${b.epoch})` : 'n/a';
      }),
      fmt.sec(r.secondsPerEpoch),
      r.pruned ? `after epoch ${r.pruned.epoch}` : 'no',
    ]),
  };
}

/** Which runs a pruner stopped, after which epoch and why; null when no run was pruned. */
export function pruningSection(results: readonly RunResult[]): Section | null {
  const pruned = results.filter((r) => r.pruned);
  if (pruned.length === 0) return null;
  return {
    title: 'Pruned runs',
    paragraphs: [`${pruned.length} of ${results.length} runs were stopped early by the pruner (--prune).`],
    bullets: pruned.map((r) => `${r.label}: stopped after epoch ${r.pruned!.epoch}: ${r.pruned!.reason}.`),
  };
}

/**
 * The report of a study without its own `report`: a table of runs with their params and best
 * metrics, one figure per metric with every run's curve, the runs that were pruned and why, and
 * each model's summary. Every number comes from the saved results.
 */
export async function genericReport(dir: string, title: string, results: RunResult[]): Promise<void> {
  const keys = metricKeys(results);
  const figures: Figure[] = [];
  for (const key of keys) {
    figures.push(
      await figure(
        dir,
        `curves-${key}`,
        `${key} per epoch, every run.`,
        lineChart({
          title: key,
          xLabel: 'Epoch',
          yLabel: key,
          series: results.map((r) => ({ name: r.label, x: epochsOf(r), y: r.history[key] ?? [] })),
        }),
      ),
    );
  }
  const monitor = keys.includes('val_loss') ? 'val_loss' : 'loss';
  const ranked = results
    .map((r) => ({ r, best: bestOf(r.history, monitor) }))
    .filter((x) => x.best !== null)
    .sort((a, b) => a.best!.value - b.best!.value);
  const bullets = ranked.map(
    ({ r, best }) =>
      `${r.label}: best ${monitor} ${fmt.loss(best!.value)} at epoch ${best!.epoch} of ${r.epochsRun}${r.pruned ? ' (pruned)' : ''}.`,
  );
  const sections: Section[] = [
    {
      title: 'Runs',
      paragraphs: [`Runs ranked by their best ${monitor}, lowest first.`],
      bullets,
      tables: [runsTable(results, keys)],
      figures,
    },
    pruningSection(results) ?? { title: 'Pruned runs', bullets: ['No run was pruned.'] },
    ...results.map((r) => ({ title: `Model: ${r.label}`, code: [r.summary] })),
  ];
  const intro = [`${results.length} run(s); metrics as logged by fit (Keras' keys).`];
  writeReport(dir, title, intro, sections);
}
