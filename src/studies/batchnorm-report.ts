import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Binned, histogramChart } from '../plot/histogram.js';
import { lineChart } from '../plot/line.js';
import { type BnParams, experiments, runId } from './batchnorm.js';
import { comparePair, last, rankByLoss } from './findings.js';
import { pruningSection } from './generic-report.js';
import { type Figure, figure, fmt, type Section, writeReport } from './report-writer.js';
import type { RunResult } from './types.js';

/** Statistics of one layer's test-time outputs. */
export interface LayerStats {
  name: string;
  className: string;
  mean: number;
  std: number;
  /** A fixed random sample of 5,000 output values, for the histograms. */
  sample: number[];
  bins: Binned;
}

/** What a batchnorm run reports beyond its history: layer outputs, for the baseline runs only. */
export interface BnExtra {
  layers?: LayerStats[];
}

type BnResult = RunResult<BnParams, BnExtra>;

const epochsOf = (r: BnResult) => Array.from({ length: r.history.loss?.length ?? 0 }, (_, i) => i + 1);

async function curves(dir: string, name: string, title: string, runs: BnResult[]): Promise<Figure[]> {
  const series = (key: string) =>
    runs.map((r) => ({ name: r.label, x: epochsOf(r), y: r.history[key] ?? [] }));
  return [
    await figure(
      dir,
      `${name}-loss`,
      `${title}: training loss per epoch.`,
      lineChart({
        title: `${title}: training loss`,
        xLabel: 'Epoch',
        yLabel: 'Training loss',
        series: series('loss'),
      }),
    ),
    await figure(
      dir,
      `${name}-val-accuracy`,
      `${title}: validation accuracy per epoch (MNIST test set).`,
      lineChart({
        title: `${title}: validation accuracy`,
        xLabel: 'Epoch',
        yLabel: 'Validation accuracy',
        series: series('val_accuracy'),
      }),
    ),
  ];
}

function table(runs: BnResult[]) {
  return {
    headers: [
      'Run',
      'Params',
      'Epochs',
      'Final loss',
      'Final val loss',
      'Final val accuracy',
      'Seconds / epoch',
    ],
    rows: runs.map((r) => [
      r.label,
      r.params_count.toLocaleString('en-US'),
      r.epochsRun,
      fmt.loss(last(r.history.loss)),
      fmt.loss(last(r.history.val_loss)),
      fmt.acc(last(r.history.val_accuracy)),
      fmt.sec(r.secondsPerEpoch),
    ]),
  };
}

const TITLES: Record<string, string> = {
  'bn-sigmoid': '1. One BN layer vs none (sigmoid)',
  'bn-relu': '2. One BN layer vs none (relu)',
  'bn-count-sigmoid': '3a. Number of BN layers (sigmoid)',
  'bn-count-relu': '3b. Number of BN layers (relu)',
  'sgd-vs-adam': '4. SGD vs Adam at learning rate 0.01 (sigmoid)',
  'batch-size': '5. Batch size with and without BN (sigmoid)',
};

function findingsFor(name: string, runs: BnResult[], byId: Map<string, BnResult>): string[] {
  const get = (p: Parameters<typeof runId>[0]) => byId.get(runId(p));
  const pair = (p: Omit<Parameters<typeof runId>[0], 'bn'>, what: string) => {
    const a = get({ ...p, bn: 1 });
    const b = get({ ...p, bn: 0 });
    return a && b ? comparePair(a, b, what) : [];
  };
  const sgd = { optimizer: 'sgd' as const, batchSize: 128 };
  switch (name) {
    case 'bn-sigmoid':
      return pair({ ...sgd, activation: 'sigmoid' }, 'Sigmoid');
    case 'bn-relu':
      return pair({ ...sgd, activation: 'relu' }, 'ReLU');
    case 'sgd-vs-adam':
      return [
        ...pair({ ...sgd, activation: 'sigmoid' }, 'SGD'),
        ...pair({ activation: 'sigmoid', optimizer: 'adam', batchSize: 128 }, 'Adam'),
        rankByLoss(runs),
      ];
    case 'batch-size':
      return [4, 64, 256, 1024].flatMap((b) => {
        const lines = pair({ activation: 'sigmoid', optimizer: 'sgd', batchSize: b }, `Batch ${b}`);
        return lines.slice(0, 2);
      });
    default:
      return [rankByLoss(runs)];
  }
}

async function activationSection(dir: string, byId: Map<string, BnResult>): Promise<Section | null> {
  const sections: Figure[] = [];
  const rows: (string | number)[][] = [];
  const bullets: string[] = [];
  for (const activation of ['sigmoid', 'relu'] as const) {
    const runs = [0, 1].map((bn) => byId.get(runId({ activation, bn, optimizer: 'sgd', batchSize: 128 })));
    if (runs.some((r) => !r?.extra.layers)) continue;
    const groups: { name: string; values: number[] }[] = [];
    runs.forEach((r, bn) => {
      for (const l of r!.extra.layers!) {
        groups.push({ name: `${bn ? 'BN' : 'no BN'}: ${l.name} (${l.className})`, values: l.sample });
        rows.push([
          `${activation}, ${bn ? 'BN' : 'no BN'}`,
          `${l.name} (${l.className})`,
          l.mean.toFixed(4),
          l.std.toFixed(4),
        ]);
      }
    });
    const [noBn, withBn] = runs.map((r) => r!.extra.layers!);
    const firstDense = noBn![0]!;
    const bnLayer = withBn!.find((l) => l.className === 'BatchNormalization');
    if (bnLayer) {
      bullets.push(
        `${activation}: the first Dense layer's outputs have mean ${firstDense.mean.toFixed(3)} and std ${firstDense.std.toFixed(3)} without BN; right after the BN layer they have mean ${bnLayer.mean.toFixed(3)} and std ${bnLayer.std.toFixed(3)}.`,
      );
    }
    sections.push(
      await figure(
        dir,
        `activations-${activation}`,
        `Test-time outputs of each layer (${activation}), without and with one BN layer.`,
        histogramChart({
          title: `Layer outputs at test time (${activation})`,
          xLabel: 'Activation value',
          groups,
          columns: 4,
          bins: 40,
          width: 200,
          height: 120,
        }),
      ),
    );
  }
  if (sections.length === 0) return null;
  return {
    title: '6. Layer outputs at test time',
    paragraphs: [
      'Each histogram shows a random sample of 5,000 output values of one layer over the whole test set; means and standard deviations use every value.',
    ],
    bullets,
    figures: sections,
    tables: [{ headers: ['Model', 'Layer', 'Mean', 'Std'], rows }],
  };
}

/** Writes figures and report.{md,html} for the batch-normalization study from its run results. */
export async function reportBatchnorm(dir: string, results: BnResult[]): Promise<void> {
  const byId = new Map(results.map((r) => [r.id, r]));
  const study = existsSync(join(dir, 'study.json'))
    ? (JSON.parse(readFileSync(join(dir, 'study.json'), 'utf8')) as { options: Record<string, unknown> })
    : null;
  const sections: Section[] = [];
  for (const [name, variants] of Object.entries(experiments())) {
    if (name === 'activations') continue;
    const runs = [...new Set(variants.map(runId))]
      .map((id) => byId.get(id))
      .filter((r): r is BnResult => r !== undefined);
    if (runs.length === 0) continue;
    sections.push({
      title: TITLES[name] ?? name,
      bullets: findingsFor(name, runs, byId),
      figures: await curves(dir, name, TITLES[name] ?? name, runs),
      tables: [table(runs)],
    });
  }
  const acts = await activationSection(dir, byId);
  if (acts) sections.push(acts);
  const anyRun = results[0];
  const intro = [
    'MNIST, 784→512→256→128→64→10 (softmax), categorical cross-entropy, validation on the 10,000 test images. Unless a section says otherwise: SGD(learning rate 0.01, momentum 0.9, nesterov), batch 128. BatchNormalization layers (Keras defaults: momentum 0.99, epsilon 1e-3) follow the first k Dense layers (after their activation).',
    `Runs: ${results.length}; epochs per run: ${anyRun ? anyRun.params.epochs : 'n/a'}; options: ${study ? JSON.stringify(study.options) : 'n/a'}.`,
  ];
  const pruning = pruningSection(results);
  if (pruning) sections.push(pruning);
  writeReport(dir, 'Batch normalization study', intro, sections);
}
