import { barChart } from '../plot/bar.js';
import { lineChart } from '../plot/line.js';
import { last } from './findings.js';
import { pruningSection } from './generic-report.js';
import type { ImdbParams } from './imdb-rnn.js';
import { type Figure, figure, fmt, type Section, writeReport } from './report-writer.js';
import type { RunResult } from './types.js';

type ImdbResult = RunResult<ImdbParams, ImdbExtra>;

/** What each IMDB run reports beyond its history: best epoch, test scores, scored sentences. */
export interface ImdbExtra {
  bestEpoch: number;
  bestValLoss: number;
  bestValAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  samples: { text: string; score: number }[];
  trainSamples: number;
  valSamples: number;
  testSamples: number;
}

const epochsOf = (r: ImdbResult) => Array.from({ length: r.history.loss?.length ?? 0 }, (_, i) => i + 1);

/** Writes figures and report.{md,html} for the IMDB recurrent study from its run results. */
export async function reportImdb(dir: string, results: ImdbResult[]): Promise<void> {
  const sections: Section[] = [];
  const extra = (r: ImdbResult) => r.extra;
  const rows = results.map((r) => [
    r.label,
    r.params_count.toLocaleString('en-US'),
    r.epochsRun,
    extra(r).bestEpoch,
    fmt.loss(extra(r).bestValLoss),
    fmt.acc(extra(r).bestValAccuracy),
    fmt.loss(extra(r).testLoss),
    fmt.acc(extra(r).testAccuracy),
    fmt.sec(r.secondsPerEpoch),
  ]);
  const best = [...results].sort((a, b) => extra(a).bestValLoss - extra(b).bestValLoss)[0];
  const summaryBullets = results.map(
    (r) =>
      `${r.label}: stopped after ${r.epochsRun} epochs; best validation loss ${fmt.loss(extra(r).bestValLoss)} (accuracy ${fmt.acc(extra(r).bestValAccuracy)}) at epoch ${extra(r).bestEpoch}; the best checkpoint scores ${fmt.acc(extra(r).testAccuracy)} accuracy on ${extra(r).testSamples.toLocaleString('en-US')} test reviews.`,
  );
  if (best)
    summaryBullets.push(`Lowest validation loss: ${best.label} (${fmt.loss(extra(best).bestValLoss)}).`);
  const comparison: Figure[] = [
    await figure(
      dir,
      'comparison-val-loss',
      'Validation loss per epoch, all models.',
      lineChart({
        title: 'Validation loss, all models',
        xLabel: 'Epoch',
        yLabel: 'Validation loss',
        series: results.map((r) => ({ name: r.label, x: epochsOf(r), y: r.history.val_loss ?? [] })),
      }),
    ),
    await figure(
      dir,
      'comparison-test-accuracy',
      'Test accuracy of each model’s best checkpoint.',
      barChart({
        title: 'Test accuracy (best checkpoint)',
        yLabel: 'Accuracy',
        bars: results.map((r) => ({ label: r.label, value: extra(r).testAccuracy })),
        format: '.3f',
      }),
    ),
  ];
  sections.push({
    title: 'Results',
    bullets: summaryBullets,
    figures: comparison,
    tables: [
      {
        headers: [
          'Model',
          'Params',
          'Epochs run',
          'Best epoch',
          'Best val loss',
          'Best val accuracy',
          'Test loss',
          'Test accuracy',
          'Seconds / epoch',
        ],
        rows,
      },
    ],
  });
  for (const r of results) {
    const fig = await figure(
      dir,
      `loss-${r.id}`,
      `${r.label}: training and validation loss per epoch (best epoch ${extra(r).bestEpoch}).`,
      lineChart({
        title: `${r.label}: loss`,
        xLabel: 'Epoch',
        yLabel: 'Binary cross-entropy',
        series: [
          { name: 'training loss', x: epochsOf(r), y: r.history.loss ?? [] },
          { name: 'validation loss', x: epochsOf(r), y: r.history.val_loss ?? [], dash: true },
        ],
      }),
    );
    sections.push({
      title: r.label,
      bullets: [
        `Final epoch: training loss ${fmt.loss(last(r.history.loss))}, accuracy ${fmt.acc(last(r.history.accuracy))}; validation loss ${fmt.loss(last(r.history.val_loss))}, accuracy ${fmt.acc(last(r.history.val_accuracy))}.`,
        ...extra(r).samples.map(
          (s) => `“${s.text}” → ${s.score.toFixed(3)} (${s.score >= 0.5 ? 'positive' : 'negative'})`,
        ),
      ],
      figures: [fig],
      code: [r.summary],
    });
  }
  const e0 = results[0] ? extra(results[0]) : null;
  const intro = [
    `IMDB reviews, the 500 most frequent words, padded or truncated to 100 tokens. ${e0 ? `${e0.trainSamples.toLocaleString('en-US')} training and ${e0.valSamples.toLocaleString('en-US')} validation reviews (80/20 split with random_state 42), ${e0.testSamples.toLocaleString('en-US')} test reviews.` : ''}`,
    'Each model: Embedding(500, 16) → recurrent layer(s) → Dense(1, sigmoid); RMSprop(1e-4), binary cross-entropy, batch 64, up to 100 epochs with ModelCheckpoint(save_best_only) and EarlyStopping(patience 3, restore_best_weights) on validation loss. Test scores use the best checkpoint.',
  ];
  const pruning = pruningSection(results);
  if (pruning) sections.push(pruning);
  writeReport(dir, 'Recurrent sentiment study (IMDB)', intro, sections);
}
