import type { Callback } from '../callbacks/callback.js';
import type { History } from '../callbacks/history.js';
import { ShapeError, TensileError, ValueError } from '../errors.js';
import { InputLayer } from '../layers/input-layer.js';
import { type CallContext, Layer, type SymbolicShape } from '../layers/layer.js';
import { Loss, type LossIdentifier } from '../losses/index.js';
import type { Metric } from '../metrics/index.js';
import { tensor } from '../ops/core.js';
import { getOptimizer, type Optimizer } from '../optimizers/index.js';
import { shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { type EvaluateArgs, evaluate, type PredictArgs, predict } from '../training/evaluate.js';
import { type FitArgs, fit } from '../training/fit.js';
import { modelBackend, onModelBackend } from '../training/placement.js';
import { renderSummary, summaryData } from './summary.js';

export interface CompileArgs {
  optimizer: string | Optimizer;
  loss: LossIdentifier;
  metrics?: (string | Metric)[];
}

let sequentialCount = 0;

/**
 * A linear stack of layers, as in Keras.
 *
 * @example
 * import { Sequential, Dense, SGD } from 'tensile';
 * const model = new Sequential([
 *   new Dense(512, { activation: 'relu', inputShape: [784] }),
 *   new Dense(10, { activation: 'softmax' }),
 * ]);
 * model.compile({ optimizer: new SGD({ momentum: 0.9, nesterov: true }), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
 * model.summary();
 */
export class Sequential {
  readonly name: string;
  readonly layers: Layer[] = [];
  /** Set to true (by a callback) to end fit after the current epoch. */
  stopTraining = false;
  optimizer: Optimizer | null = null;
  loss: Loss | null = null;
  metricIds: (string | Metric)[] = [];
  private inputShape: SymbolicShape | null = null;
  private outputShapes: SymbolicShape[] = [];

  constructor(layers: Layer[] = [], opts: { name?: string } = {}) {
    this.name = opts.name ?? (sequentialCount++ === 0 ? 'sequential' : `sequential_${sequentialCount - 1}`);
    for (const layer of layers) this.add(layer);
  }

  /** Appends a layer. The first layer's `inputShape` option lets the model build right away. */
  add(layer: Layer): void {
    if (!(layer instanceof Layer))
      throw new ValueError(`Sequential.add: expected a Layer, got ${String(layer)}`);
    if (layer instanceof InputLayer) {
      if (this.layers.length > 0) throw new ValueError('Sequential.add: an InputLayer must come first');
      this.inputShape = [layer.batchSizeArg ?? null, ...layer.inputShapeArg!];
      return;
    }
    if (this.layers.some((l) => l.name === layer.name)) {
      throw new ValueError(
        `Sequential.add: a layer named '${layer.name}' is already in model '${this.name}'`,
      );
    }
    this.layers.push(layer);
    if (this.layers.length === 1 && layer.inputShapeArg) {
      this.inputShape = [layer.batchSizeArg ?? null, ...layer.inputShapeArg];
    }
    if (!this.inputShape) return;
    try {
      this.build(this.inputShape);
    } catch (e) {
      this.layers.pop(); // a layer that cannot join (bad shape, weights on another backend) is not kept
      throw e;
    }
  }

  get built(): boolean {
    return this.inputShape !== null && this.outputShapes.length === this.layers.length;
  }

  /**
   * Builds every layer in turn for inputs of `inputShape` (batch dim first, may be null). New
   * weights go where the model's existing weights live, else on the selected backend.
   */
  build(inputShape: SymbolicShape): void {
    this.inputShape = inputShape;
    let shape = inputShape;
    this.outputShapes = [];
    const backend = modelBackend(this);
    for (const layer of this.layers) {
      if (!layer.built) {
        if (backend) layer.weightBackend ??= backend;
        layer.build(shape);
      }
      shape = layer.computeOutputShape(shape);
      this.outputShapes.push(shape);
    }
  }

  /** Shape of one sample the model expects (batch dim removed), or null before it is built. */
  get sampleShape(): number[] | null {
    return this.inputShape ? (this.inputShape.slice(1) as number[]) : null;
  }

  get outputShape(): SymbolicShape {
    this.requireBuilt('outputShape');
    return this.outputShapes[this.outputShapes.length - 1]!;
  }

  /** Runs the layers on a batch. Inference mode unless `training` is set. */
  call(x: Tensor, ctx: CallContext = { training: false }): Tensor {
    this.checkInput(x);
    let out = x;
    for (const layer of this.layers) out = layer.apply(out, ctx);
    return out;
  }

  /**
   * Each layer's output for `x` (inference mode): what Keras users get from a Model on layer outputs.
   * Runs where the weights live; `x` is copied there first when it lives on another backend.
   */
  layerOutputs(x: Tensor): { name: string; output: Tensor }[] {
    this.checkInput(x);
    let [out] = onModelBackend(this, [x]) as [Tensor];
    return this.layers.map((layer) => {
      out = layer.apply(out, { training: false });
      return { name: layer.name, output: out };
    });
  }

  /** Builds on first use, then checks that `x` holds samples of the shape the model was built for. */
  checkInput(x: Tensor): void {
    if (this.layers.length === 0) throw new TensileError(`model '${this.name}' has no layers`);
    if (!this.built) this.build([null, ...x.shape.slice(1)]);
    const expected = this.sampleShape!;
    if (!shapesEqual(x.shape.slice(1), expected)) {
      throw new ShapeError(
        `model '${this.name}' (first layer '${this.layers[0]!.name}')`,
        [x.shape, [-1, ...expected]],
        `expected samples of shape [${expected}], got [${x.shape.slice(1)}]`,
      );
    }
  }

  /** Prints (unless `print: false`) and returns the Keras 3 style summary table. */
  summary(opts: { print?: boolean } = {}): string {
    this.requireBuilt('summary');
    const text = renderSummary(summaryData(this.name, this.layers, this.outputShapes));
    if (opts.print ?? true) console.log(text);
    return text;
  }

  countParams(): number {
    this.requireBuilt('countParams');
    return this.layers.reduce((n, l) => n + l.countParams(), 0);
  }

  get weights() {
    return this.layers.flatMap((l) => l.weights);
  }

  get trainableWeights() {
    return this.layers.flatMap((l) => l.trainableWeights);
  }

  get nonTrainableWeights() {
    return this.layers.flatMap((l) => l.nonTrainableWeights);
  }

  /** Copies of all weight values, in Keras order (layer by layer, creation order), each on its weight's backend. */
  getWeights(): Tensor[] {
    return this.weights.map((w) => tensor(w.dataSync(), w.shape, w.dtype, { backend: w.backend }));
  }

  /**
   * Sets all weights from values in `getWeights` order; shapes must match exactly. Weights stay on
   * their backend: a value from another backend is copied onto it (see Variable.assign).
   */
  setWeights(values: readonly Tensor[]): void {
    const vars = this.weights;
    if (values.length !== vars.length) {
      throw new ValueError(
        `setWeights: model '${this.name}' has ${vars.length} weights, got ${values.length}`,
      );
    }
    vars.forEach((v, i) => {
      const value = values[i]!;
      if (!shapesEqual(v.shape, value.shape)) {
        throw new ShapeError(`setWeights (${v.name})`, [v.shape, value.shape], 'weight shape differs');
      }
      v.assign(value);
    });
  }

  getLayer(name: string): Layer {
    const layer = this.layers.find((l) => l.name === name);
    if (!layer) throw new ValueError(`getLayer: no layer named '${name}' in model '${this.name}'`);
    return layer;
  }

  /** Sets the optimizer, loss and metrics used by fit and evaluate. */
  compile(args: CompileArgs): void {
    if (!args || args.optimizer === undefined || args.loss === undefined) {
      throw new ValueError('compile: both optimizer and loss are required');
    }
    this.optimizer = getOptimizer(args.optimizer);
    this.loss = Loss.get(args.loss);
    this.metricIds = [...(args.metrics ?? [])];
  }

  /** Trains for a number of epochs; see FitArgs. Returns the History of per-epoch logs. */
  fit(x: Tensor, y: Tensor, args: FitArgs = {}): Promise<History> {
    return fit(this, x, y, args);
  }

  /** Loss and metrics on data, as `[loss, ...metrics]`. */
  evaluate(x: Tensor, y: Tensor, args: EvaluateArgs = {}): number[] {
    return evaluate(this, x, y, args).values;
  }

  /** Model outputs for `x`, computed in batches. */
  predict(x: Tensor, args: PredictArgs = {}): Tensor {
    return predict(this, x, args);
  }

  // File I/O lives in src/io, loaded on first use (it pulls in the HDF5 WebAssembly module).

  /** Saves atomically as Keras 3 `.keras` or legacy Keras `.h5` (with optimizer state); see saveModel. */
  async save(path: string): Promise<void> {
    return (await import('../io/index.js')).saveModel(this, path);
  }

  /** Saves weights and optimizer state atomically in Keras 3's `.weights.h5` layout. */
  async saveWeights(path: string): Promise<void> {
    return (await import('../io/index.js')).saveWeights(this, path);
  }

  /** Loads weights from a `.weights.h5`, `.keras` or legacy `.h5` file; see loadWeights. */
  async loadWeights(path: string): Promise<void> {
    return (await import('../io/index.js')).loadWeights(this, path);
  }

  /** Keras-style config for saving: the layer list with each layer's config. */
  getConfig(): Record<string, unknown> {
    return {
      name: this.name,
      trainable: true,
      layers: this.layers.map((l) => ({ class_name: l.className, config: l.getConfig() })),
    };
  }

  private requireBuilt(what: string): void {
    if (!this.built) {
      throw new TensileError(
        `${what}: model '${this.name}' is not built yet; give the first layer an inputShape or call fit/predict first`,
      );
    }
  }
}

export type { Callback, FitArgs };
