import { datasets } from '../data/index.js';
import { toCategorical } from '../data/preprocessing/to-categorical.js';
import { BatchNormalization } from '../layers/batch-normalization.js';
import { Dense } from '../layers/dense.js';
import type { Layer } from '../layers/layer.js';
import { Sequential } from '../models/sequential.js';
import { div } from '../ops/elementwise.js';
import { reshape, slice } from '../ops/layout.js';
import { Adam } from '../optimizers/adam.js';
import { SGD } from '../optimizers/sgd.js';
import { binValues } from '../plot/histogram.js';
import { Generator } from '../random/generator.js';
import type { Tensor } from '../tensor/tensor.js';
import { type BnExtra, type LayerStats, reportBatchnorm } from './batchnorm-report.js';
import { defineStudy } from './define.js';
import { last } from './findings.js';
import type { RunSpec, StudyOptions } from './types.js';

type Act = 'sigmoid' | 'relu';
type Opt = 'sgd' | 'adam';

/** One model variant of the batch-normalization study. */
export type BnParams = {
  readonly activation: Act;
  /** BatchNormalization after each of the first `bn` Dense layers (0–4). */
  readonly bn: number;
  readonly optimizer: Opt;
  readonly batchSize: number;
  readonly epochs: number;
};

const HIDDEN = [512, 256, 128, 64];

export function runId(p: Omit<BnParams, 'epochs'>): string {
  return `${p.activation}-bn${p.bn}-${p.optimizer}-b${p.batchSize}`;
}

function label(p: Omit<BnParams, 'epochs'>): string {
  const bn = p.bn === 0 ? 'no BN' : p.bn === 1 ? '1 BN layer' : `${p.bn} BN layers`;
  return `${p.activation}, ${bn}, ${p.optimizer === 'sgd' ? 'SGD' : 'Adam'}, batch ${p.batchSize}`;
}

/**
 * The experiments of the original write-up, each a list of run variants. Variants shared by
 * several experiments (e.g. sigmoid without BN) are trained once.
 */
export function experiments(): Record<string, Omit<BnParams, 'epochs'>[]> {
  const base = { optimizer: 'sgd' as Opt, batchSize: 128 };
  const bnCount = (activation: Act) => [0, 1, 2, 3, 4].map((bn) => ({ ...base, activation, bn }));
  return {
    'bn-sigmoid': [0, 1].map((bn) => ({ ...base, activation: 'sigmoid' as Act, bn })),
    'bn-relu': [0, 1].map((bn) => ({ ...base, activation: 'relu' as Act, bn })),
    'bn-count-sigmoid': bnCount('sigmoid'),
    'bn-count-relu': bnCount('relu'),
    'sgd-vs-adam': (['sgd', 'adam'] as Opt[]).flatMap((optimizer) =>
      [0, 1].map((bn) => ({ ...base, activation: 'sigmoid' as Act, bn, optimizer })),
    ),
    'batch-size': [4, 64, 256, 1024].flatMap((batchSize) =>
      [0, 1].map((bn) => ({ ...base, activation: 'sigmoid' as Act, bn, batchSize })),
    ),
    activations: (['sigmoid', 'relu'] as Act[]).flatMap((activation) =>
      [0, 1].map((bn) => ({ ...base, activation, bn })),
    ),
  };
}

/** Builds 784→512→256→128→64→10 with BN after each of the first `bn` Dense layers. */
export function buildModel(p: BnParams): Sequential {
  const layers: Layer[] = [];
  HIDDEN.forEach((units, i) => {
    layers.push(new Dense(units, { activation: p.activation, ...(i === 0 ? { inputShape: [784] } : {}) }));
    if (i < p.bn) layers.push(new BatchNormalization());
  });
  layers.push(new Dense(10, { activation: 'softmax' }));
  const model = new Sequential(layers, { name: runId(p).replace(/-/g, '_') });
  const optimizer =
    p.optimizer === 'sgd'
      ? new SGD({ learningRate: 0.01, momentum: 0.9, nesterov: true })
      : new Adam({ learningRate: 0.01 });
  model.compile({ optimizer, loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  return model;
}

/** MNIST as the study uses it: flattened, scaled to [0, 1], one-hot labels. */
export interface MnistArrays {
  xTrain: Tensor;
  yTrain: Tensor;
  xTest: Tensor;
  yTest: Tensor;
}

/** MNIST flattened to [n, 784] in [0, 1] with one-hot labels (a subset in quick mode). */
async function loadMnist(quick: boolean): Promise<MnistArrays> {
  const [[xTr, yTr], [xTe, yTe]] = await datasets.mnist.loadData();
  const take = (t: Tensor, n: number) =>
    quick ? slice(t, [0, ...t.shape.slice(1).map(() => 0)], [n, ...t.shape.slice(1)]) : t;
  return {
    xTrain: div(reshape(take(xTr, 2000), [-1, 784]), 255),
    yTrain: toCategorical(take(yTr, 2000), 10),
    xTest: div(reshape(take(xTe, 500), [-1, 784]), 255),
    yTest: toCategorical(take(yTe, 500), 10),
  };
}

/** Mean, standard deviation and a fixed random sample of each layer's test-time outputs. */
function layerStatistics(model: Sequential, x: Tensor): LayerStats[] {
  const sampler = new Generator(7);
  return model.layerOutputs(x).map(({ name, output }) => {
    const v = output.dataSync();
    let mean = 0;
    for (const a of v) mean += a;
    mean /= v.length;
    let sq = 0;
    for (const a of v) sq += (a - mean) ** 2;
    const n = Math.min(5000, v.length);
    const sample = Array.from({ length: n }, () => v[sampler.int(v.length)]!);
    return {
      name,
      className: model.getLayer(name).className,
      mean,
      std: Math.sqrt(sq / v.length),
      sample,
      bins: binValues(v as Float32Array, 40),
    };
  });
}

/** The batch-normalization study: the write-up's experiments on an MNIST MLP. */
export const batchnormStudy = defineStudy<BnParams, MnistArrays, BnExtra>({
  name: 'batchnorm',
  title: 'Batch normalization on MNIST',
  runs(opts: StudyOptions): RunSpec<BnParams>[] {
    const seen = new Map<string, RunSpec<BnParams>>();
    const epochs = opts.epochs ?? (opts.quick ? 2 : 10);
    for (const variants of Object.values(experiments())) {
      for (const v of variants)
        seen.set(runId(v), { id: runId(v), label: label(v), params: { ...v, epochs } });
    }
    return [...seen.values()];
  },
  groups: () =>
    Object.fromEntries(
      Object.entries(experiments()).map(([name, vs]) => [name, [...new Set(vs.map(runId))]]),
    ),
  data: (opts) => loadMnist(opts.quick),
  model: (run) => buildModel(run.params),
  fit: ({ run, data }) => ({
    x: data.xTrain,
    y: data.yTrain,
    epochs: run.params.epochs,
    batchSize: run.params.batchSize,
    validationData: [data.xTest, data.yTest],
  }),
  extras({ run, model, data }): BnExtra {
    const p = run.params;
    // Layer outputs are reported for the baseline optimizer and batch size, with and without BN.
    return p.optimizer === 'sgd' && p.batchSize === 128 && p.bn <= 1
      ? { layers: layerStatistics(model, data.xTest) }
      : {};
  },
  summarize: (r) =>
    `${r.epochsRun} epochs, ${r.secondsPerEpoch.toFixed(2)} s/epoch, loss ${last(r.history.loss).toFixed(4)}, val_accuracy ${last(r.history.val_accuracy).toFixed(4)}`,
  report: reportBatchnorm,
});
