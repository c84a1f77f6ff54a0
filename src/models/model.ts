import type { Backend } from '../backend/backend.js';
import type { History } from '../callbacks/history.js';
import { ShapeError, TensileError, ValueError } from '../errors.js';
import {
  type CallContext,
  Layer,
  type LayerWeight,
  type SymbolicShape,
  uniqueLayerName,
} from '../layers/layer.js';
import { formatSymbolicShape, type Node, type SymbolicTensor } from '../layers/symbolic.js';
import type { Loss } from '../losses/index.js';
import type { Metric } from '../metrics/index.js';
import { castTo } from '../ops/core.js';
import { getOptimizer, type Optimizer } from '../optimizers/index.js';
import type { Tensor, Variable } from '../tensor/tensor.js';
import {
  type CompileArgs,
  dataList,
  type ModelData,
  resolveCompileOutputs,
} from '../training/compile-args.js';
import { type EvaluateArgs, evaluate, type PredictArgs, predict } from '../training/evaluate.js';
import { type FitArgs, fit } from '../training/fit.js';
import { type LayerGraph, layerGraph, runGraph } from './graph.js';
import { graphSummary } from './summary.js';

/**
 * What `new Model` takes: symbolic inputs (from `Input`) and the outputs computed from them.
 *
 * @example
 * import { Input, Dense, Model } from 'tensile';
 * const x = Input({ shape: [8] });
 * const model = new Model({ inputs: x, outputs: new Dense(1).apply(x), name: 'regressor' });
 */
export interface ModelArgs {
  inputs: SymbolicTensor | readonly SymbolicTensor[];
  /**
   * One tensor or a list; a list may hold the list a multi-output layer returns (e.g.
   * `[out, [h, c]]`, or `layers.map((l) => l.output)`), flattened as Keras flattens its outputs.
   */
  outputs: SymbolicTensor | readonly (SymbolicTensor | readonly SymbolicTensor[])[];
  name?: string;
}

/** Sequential passes this instead of ModelArgs: it makes its graph once it knows its input shape. */
export const DEFERRED_GRAPH: unique symbol = Symbol('deferred graph');

/** Keeps the first occurrence of each item (a layer reached twice contributes its weights once). */
const unique = <T>(items: readonly T[]): T[] => [...new Set(items)];

/**
 * A model built with the Functional API: a graph of layer calls from `inputs` to `outputs`, with
 * several inputs and outputs, shared layers and merge layers. `Sequential` is the special case of a
 * linear graph. Training, evaluation, prediction and files work the same for both.
 *
 * A model is also a layer (as in Keras): `inner.apply(x)` inside another Functional graph, or
 * `new Sequential([inner, ...])`, calls the whole inner graph as one layer whose weights are the
 * inner layers' weights (shared by every call), trained with the outer model.
 *
 * @example
 * import { Input, Dense, Concatenate, Model, tensor } from 'tensile';
 * const a = Input({ shape: [3], name: 'a' });
 * const b = Input({ shape: [2], name: 'b' });
 * const h = new Concatenate().apply([new Dense(4, { activation: 'relu' }).apply(a), b]);
 * const model = new Model({ inputs: [a, b], outputs: new Dense(1, { name: 'score' }).apply(h) });
 * model.compile({ optimizer: 'adam', loss: 'mse' });
 * const y = model.predict({ a: tensor([[1, 2, 3]]), b: tensor([[4, 5]]) });
 * console.log(model.layers.length, y.shape); // 5 [1, 1]
 *
 * @example
 * import { Input, Dense, Model, Sequential } from 'tensile';
 * const base = new Sequential([new Dense(8, { activation: 'relu', inputShape: [4] })], { name: 'base' });
 * base.trainable = false; // freeze the feature extractor
 * const x = Input({ shape: [4] });
 * const model = new Model({ inputs: x, outputs: new Dense(1).apply(base.apply(x)) });
 * console.log(model.layers.map((l) => l.className), model.trainableWeights.length); // [InputLayer, Sequential, Dense] 2
 */
export class Model extends Layer {
  /** 'Functional' (Keras' class name for graph models), or 'Sequential'. */
  readonly className: string = 'Functional';
  /** Set to true (by a callback) to end fit after the current epoch. */
  stopTraining = false;
  optimizer: Optimizer | null = null;
  /** The first output's loss (the only one for a single-output model). */
  loss: Loss | null = null;
  /** One loss per output, in `outputNames` order. */
  losses: Loss[] = [];
  lossWeights: number[] | null = null;
  /** The metrics of a single-output model (as given to compile). */
  metricIds: (string | Metric)[] = [];
  /** Metrics per output, in `outputNames` order. */
  outputMetricIds: (string | Metric)[][] = [];
  /** The arguments of the latest compile, kept for the saved compile config. */
  compileArgs: CompileArgs | null = null;
  protected graph: LayerGraph | null = null;
  /** Whether inputs / outputs were given as lists (Keras saves the structure). */
  readonly inputsAreList: boolean = false;
  readonly outputsAreList: boolean = false;

  /** `deferredName` names a model made with DEFERRED_GRAPH (the subclass picks it). */
  constructor(args: ModelArgs | typeof DEFERRED_GRAPH, defaultName = 'functional', deferredName?: string) {
    if (args !== DEFERRED_GRAPH && (!args || args.inputs === undefined || args.outputs === undefined))
      throw new ValueError('Model: both inputs and outputs are required: new Model({ inputs, outputs })');
    // Keras numbers models and layers from one pool of names ('functional', 'functional_1', ...).
    super({
      name:
        args === DEFERRED_GRAPH ? (deferredName ?? defaultName) : (args.name ?? uniqueLayerName(defaultName)),
    });
    if (args === DEFERRED_GRAPH) return;
    this.inputsAreList = Array.isArray(args.inputs);
    this.outputsAreList = Array.isArray(args.outputs);
    const list = <T>(v: T | readonly T[]): T[] => (Array.isArray(v) ? [...v] : [v as T]);
    const outputs = list(args.outputs).flatMap((t) => list<SymbolicTensor>(t));
    this.graph = layerGraph(list(args.inputs), outputs, this.name);
  }

  override get built(): boolean {
    return this.graph !== null && this.graph !== undefined;
  }

  /** A model is built when its graph exists; `Layer.build` marking it built changes nothing. */
  override set built(_value: boolean) {}

  override get trainable(): boolean {
    return this.trainableFlag;
  }

  /** As in Keras, setting it sets every inner layer's flag too: `false` freezes the whole model. */
  override set trainable(value: boolean) {
    this.trainableFlag = value;
    for (const layer of this.sublayers()) layer.trainable = value;
  }

  override get weightBackend(): Backend | undefined {
    return super.weightBackend;
  }

  /** Where a model's unbuilt layers make their weights (an outer model sets it on an inner one). */
  override set weightBackend(backend: Backend | undefined) {
    super.weightBackend = backend;
    for (const layer of this.sublayers()) if (!layer.built) layer.weightBackend ??= backend;
  }

  /** The layers whose flags `trainable` sets (none before the graph exists). */
  protected sublayers(): readonly Layer[] {
    return this.graph?.layers ?? [];
  }

  protected requireGraph(what: string): LayerGraph {
    if (!this.graph) {
      throw new TensileError(
        `${what}: model '${this.name}' is not built yet; give the first layer an inputShape or call fit/predict first`,
      );
    }
    return this.graph;
  }

  /** The symbolic inputs (Keras' `model.inputs`). */
  get inputs(): SymbolicTensor[] {
    return [...this.requireGraph('inputs').inputs];
  }

  /** The symbolic outputs (Keras' `model.outputs`). */
  get outputs(): SymbolicTensor[] {
    return [...this.requireGraph('outputs').outputs];
  }

  /** Every layer of the graph, InputLayers included, in Keras' order. */
  get layers(): Layer[] {
    return [...this.requireGraph('layers').layers];
  }

  /** Whether a layer call (node) is part of this model's graph; a shared layer may have calls elsewhere. */
  hasNode(node: Node): boolean {
    return this.requireGraph('hasNode').depth.has(node);
  }

  /** Names of the input layers: the keys of `x` given as a map. */
  get inputNames(): string[] {
    return this.inputs.map((t) => t.sourceLayer.name);
  }

  /** Names of the layers making the outputs: the keys of `y`, losses and metrics given as maps. */
  get outputNames(): string[] {
    return this.outputs.map((t) => t.sourceLayer.name);
  }

  /** Shape of one sample of each input (batch dim removed; null for any size). */
  get inputSampleShapes(): SymbolicShape[] {
    return this.inputs.map((t) => t.shape.slice(1));
  }

  get outputShapes(): SymbolicShape[] {
    return this.outputs.map((t) => t.shape);
  }

  /** The output shape of a single-output model. */
  get outputShape(): SymbolicShape {
    const shapes = this.requireGraph('outputShape').outputs;
    if (shapes.length !== 1)
      throw new TensileError(
        `outputShape: model '${this.name}' has ${shapes.length} outputs; use outputShapes`,
      );
    return shapes[0]!.shape;
  }

  /** Puts `x` in input order, checks its sample shapes, and builds a model that waits for data. */
  toInputs(x: ModelData, op: string): Tensor[] {
    const xs = dataList(x, this.inputNames, 'x', op);
    this.inputSampleShapes.forEach((want, i) => {
      const got = xs[i]!.shape.slice(1);
      if (got.length !== want.length || want.some((d, k) => d !== null && d !== got[k])) {
        throw new ShapeError(
          `${op}: model '${this.name}' input '${this.inputNames[i]}'`,
          [xs[i]!.shape],
          `expected samples of shape [${want.map((d) => d ?? 'any')}], got [${got}]`,
        );
      }
    });
    return xs;
  }

  /**
   * Runs the graph on one tensor per input, returning one tensor per output. uint8 data (raw bytes,
   * as `mnist.loadData()` returns images) is cast to the input's dtype here, as Keras casts inputs to
   * the model's input dtype: fit, evaluate and predict call this once per batch, so a data set kept
   * as bytes is never copied whole to float32. A uint8 Input means bytes come in and the layers
   * compute in float32 (Keras layers cast their inputs to their compute dtype), so those go to float32.
   */
  callAll(xs: readonly Tensor[], ctx: CallContext = { training: false }): Tensor[] {
    const graph = this.requireGraph('call');
    const inputs = xs.map((x, i) => {
      if (x.dtype !== 'uint8') return x;
      const declared = graph.inputs[i]?.dtype ?? 'float32';
      return castTo(x, declared === 'uint8' ? 'float32' : declared, `${this.name}: input`);
    });
    return runGraph(graph, inputs, ctx);
  }

  /** Runs the model on a batch: one tensor, or one per output. Inference mode unless `training` is set. */
  override call(x: ModelData, ctx?: CallContext): Tensor | Tensor[];
  override call(x: Tensor, ctx: CallContext): Tensor;
  override call(x: ModelData, ctx: CallContext = { training: false }): Tensor | Tensor[] {
    const out = this.callAll(this.toInputs(x, 'call'), ctx);
    return out.length === 1 ? out[0]! : out;
  }

  // As a layer inside another model (Keras' nested models).

  /**
   * Keras' `model.output`: the model's own output until it is called as a layer; after one call,
   * that call's output, like any layer's, so per-layer probes of an outer model keep working.
   */
  override get output(): SymbolicTensor | SymbolicTensor[] {
    if (this.inboundNodes.length > 0) return super.output;
    const outputs = this.requireGraph('output').outputs;
    if (outputs.length !== 1)
      throw new TensileError(`output: model '${this.name}' has ${outputs.length} outputs; use outputs`);
    return outputs[0]!;
  }

  /** Keras' `model.input`: the model's own input(s) until it is called as a layer, then that call's. */
  override get input(): SymbolicTensor | readonly SymbolicTensor[] {
    if (this.inboundNodes.length > 0) return super.input;
    const inputs = this.requireGraph('input').inputs;
    return inputs.length === 1 ? inputs[0]! : inputs;
  }

  /** A model with several inputs is called on a list of them, one per input. */
  override get takesList(): boolean {
    return this.built && this.requireGraph('apply').inputs.length > 1;
  }

  /** Checks the inputs of a call against this model's inputs: count, rank and every known size. */
  protected override checkInputShapes(shapes: readonly SymbolicShape[]): void {
    const inputs = this.requireGraph('apply').inputs;
    if (shapes.length !== inputs.length)
      throw new ValueError(`${this.describe()}: the model has ${inputs.length} inputs, got ${shapes.length}`);
    inputs.forEach((t, i) => {
      const got = shapes[i]!;
      const fits =
        got.length === t.shape.length && t.shape.every((d, k) => k === 0 || d === null || d === got[k]);
      if (!fits)
        throw new ShapeError(
          `${this.describe()} input '${t.sourceLayer.name}'`,
          [got.map((d) => d ?? -1)],
          `the model takes ${formatSymbolicShape(t.shape)}, got ${formatSymbolicShape(got)}`,
        );
    });
  }

  /** The one output shape of a call (a model with several outputs has outputShapesFor only). */
  override outputShapeFromShapes(shapes: readonly SymbolicShape[]): SymbolicShape {
    const outs = this.outputShapesFor(shapes, []);
    if (outs.length !== 1)
      throw new ValueError(`${this.describe()}: the model has ${outs.length} outputs; use outputShapesFor`);
    return outs[0]!;
  }

  /** A model with several outputs called as a layer returns one tensor per output, as in Keras. */
  override get returnsList(): boolean {
    return this.built && this.requireGraph('apply').outputs.length > 1;
  }

  /** The shapes of every output of the inner graph (one node output each). */
  override outputShapesFor(
    shapes: readonly SymbolicShape[],
    _stateShapes: readonly SymbolicShape[],
  ): SymbolicShape[] {
    this.checkInputShapes(shapes);
    return this.requireGraph('apply').outputs.map((t) => t.shape);
  }

  /** What a node of an outer graph runs: the whole inner graph on the call's inputs. */
  override invoke(inputs: readonly Tensor[], ctx: CallContext): Tensor | Tensor[] {
    const out = this.callAll(inputs, ctx);
    return out.length === 1 ? out[0]! : out;
  }

  /** Prints (unless `print: false`) and returns the Keras 3 summary, with "Connected to" for non-linear graphs. */
  summary(opts: { print?: boolean } = {}): string {
    const text = graphSummary(this.name, this.requireGraph('summary'), this.trainableWeights);
    if (opts.print ?? true) console.log(text);
    return text;
  }

  override countParams(): number {
    return this.weights.reduce((n, w) => n + w.size, 0);
  }

  /** Every weight, layer by layer (inner models' weights in their own layer order). */
  override get weights(): Variable[] {
    return unique(this.layers.flatMap((l) => l.weights));
  }

  override get trainableWeights(): Variable[] {
    return this.trainable ? unique(this.layers.flatMap((l) => l.trainableWeights)) : [];
  }

  override get nonTrainableWeights(): Variable[] {
    return this.trainable ? unique(this.layers.flatMap((l) => l.nonTrainableWeights)) : this.weights;
  }

  /**
   * The inner layers' weights as one layer's (what a file stores for a nested model): names are
   * `<inner layer>/<weight>`, and a weight is trainable only when it, its layer and this model are.
   */
  override get weightEntries(): readonly LayerWeight[] {
    const seen = new Set<Variable>();
    return this.layers.flatMap((l) =>
      l.weightEntries
        .filter((e) => !seen.has(e.variable) && seen.add(e.variable))
        .map((e) => ({
          variable: e.variable,
          name: `${l.name}/${e.name}`,
          trainable: this.trainable && l.trainable && e.trainable,
        })),
    );
  }

  getLayer(name: string): Layer {
    const layer = this.layers.find((l) => l.name === name);
    if (!layer) throw new ValueError(`getLayer: no layer named '${name}' in model '${this.name}'`);
    return layer;
  }

  /** Output names compile resolves per-output settings against (a Sequential knows them before it is built). */
  protected compileOutputNames(): string[] {
    return this.outputNames;
  }

  /** Sets the optimizer, the loss (one per output, or one for all) and metrics used by fit and evaluate. */
  compile(args: CompileArgs): void {
    if (!args || args.optimizer === undefined || args.loss === undefined)
      throw new ValueError('compile: both optimizer and loss are required');
    const resolved = resolveCompileOutputs(args, this.compileOutputNames());
    this.optimizer = getOptimizer(args.optimizer);
    this.losses = resolved.losses;
    this.loss = resolved.losses[0]!;
    this.lossWeights = resolved.lossWeights;
    this.outputMetricIds = resolved.metrics;
    this.metricIds = resolved.metrics[0] ?? [];
    this.compileArgs = args;
  }

  /** Trains for a number of epochs; see FitArgs. Returns the History of per-epoch logs. */
  fit(x: ModelData, y: ModelData, args: FitArgs = {}): Promise<History> {
    return fit(this, x, y, args);
  }

  /** Loss and metrics on data: `[loss, ...per-output losses, ...metrics]`, the order of fit's logs. */
  evaluate(x: ModelData, y: ModelData, args: EvaluateArgs = {}): number[] {
    return evaluate(this, x, y, args).values;
  }

  /** Model outputs for `x`, computed in batches: one tensor, or one per output. */
  predict(x: ModelData, args: PredictArgs = {}): Tensor | Tensor[] {
    const out = predict(this, x, args);
    return out.length === 1 ? out[0]! : out;
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
}

export type { CompileArgs, FitArgs, ModelData };
