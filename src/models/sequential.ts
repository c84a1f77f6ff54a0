import type { Callback } from '../callbacks/callback.js';
import { ShapeError, TensileError, ValueError } from '../errors.js';
import { InputLayer } from '../layers/input-layer.js';
import { type CallContext, Layer, type SymbolicShape } from '../layers/layer.js';
import { SymbolicTensor } from '../layers/symbolic.js';
import { shapesEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import type { ModelData } from '../training/compile-args.js';
import type { PredictArgs } from '../training/evaluate.js';
import { modelBackend, onModelBackend } from '../training/placement.js';
import { layerGraph } from './graph.js';
import { type CompileArgs, DEFERRED_GRAPH, type FitArgs, Model } from './model.js';
import { renderSummary, summaryData } from './summary.js';

let sequentialCount = 0;

/** `Input({ shape })`'s tensor stands for its InputLayer; any other symbolic tensor is refused. */
function inputLayerOf(item: Layer | SymbolicTensor): unknown {
  if (!(item instanceof SymbolicTensor)) return item;
  if (item.sourceLayer instanceof InputLayer) return item.sourceLayer;
  throw new ValueError(
    `Sequential.add: got the tensor ${item.toString()} from layer '${item.sourceLayer.name}' (${item.sourceLayer.className}); ` +
      'a Sequential takes layers, or the tensor Input() returns as its first entry (use new Model({ inputs, outputs }) for graphs)',
  );
}

/**
 * A linear stack of layers, as in Keras: a Model whose graph is a chain, made as soon as the input
 * shape is known (from the first layer's `inputShape`, an InputLayer, or the first batch).
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
export class Sequential extends Model {
  override readonly className = 'Sequential';
  private readonly stack: Layer[] = [];
  private inputShape: SymbolicShape | null = null;
  /** The InputLayer the graph starts from, made once the input shape is known. */
  private inputLayer: InputLayer | null = null;

  constructor(layers: (Layer | SymbolicTensor)[] = [], opts: { name?: string } = {}) {
    const name = opts.name ?? (sequentialCount++ === 0 ? 'sequential' : `sequential_${sequentialCount - 1}`);
    super(DEFERRED_GRAPH, 'sequential', name);
    for (const layer of layers) this.add(layer);
  }

  /** The layers in order, without the InputLayer (as Keras' `Sequential.layers`). */
  override get layers(): Layer[] {
    return [...this.stack];
  }

  /**
   * Appends a layer. The first layer's `inputShape` option, an InputLayer, or (as Keras 3 writes it)
   * the tensor `Input({ shape })` returns lets the model build right away.
   */
  add(layerOrInput: Layer | SymbolicTensor): void {
    const layer = inputLayerOf(layerOrInput);
    if (!(layer instanceof Layer))
      throw new ValueError(`Sequential.add: expected a Layer, got ${String(layer)}`);
    if (layer instanceof InputLayer) {
      if (this.layers.length > 0) throw new ValueError('Sequential.add: an InputLayer must come first');
      this.inputShape = [layer.batchSizeArg ?? null, ...layer.inputShapeArg!];
      this.inputLayer = layer;
      return;
    }
    if (this.stack.some((l) => l.name === layer.name)) {
      throw new ValueError(
        `Sequential.add: a layer named '${layer.name}' is already in model '${this.name}'`,
      );
    }
    if (layer.returnsList)
      throw new ValueError(
        `Sequential.add: ${layer.describe()} has several outputs (returnState); all layers in a Sequential model need a single output (use the Functional API: new Model({ inputs, outputs }))`,
      );
    this.stack.push(layer);
    if (this.stack.length === 1 && layer.inputShapeArg) {
      this.inputShape = [layer.batchSizeArg ?? null, ...layer.inputShapeArg];
    } else if (this.stack.length === 1 && layer instanceof Model && layer.built && !layer.takesList) {
      // A built model as the first layer brings its input shape, as in Keras.
      this.inputShape = layer.inputs[0]!.shape;
    }
    if (!this.inputShape) return;
    // Keras rebuilds its graph on add; here the graph is extended by one call. A layer that cannot
    // join (bad shape, weights built on another backend than the model's) is not kept.
    const previous = this.graph;
    try {
      const backend = modelBackend(this); // throws when the new layer's weights live elsewhere
      if (backend && !layer.built) layer.weightBackend ??= backend;
      if (!this.graph) this.build(this.inputShape);
      else this.setGraph(layer.apply(this.graph.outputs[0]!));
    } catch (e) {
      this.stack.pop();
      this.graph = previous;
      throw e;
    }
  }

  private setGraph(output: SymbolicTensor): void {
    this.graph = layerGraph([this.graph?.inputs[0] ?? this.inputLayer!.getOutputAt(0)], [output], this.name);
  }

  protected override sublayers(): readonly Layer[] {
    return this.stack;
  }

  /** Builds the linear graph: an input of `inputShape` (batch dim first, may be null) through every layer. */
  override build(inputShape: SymbolicShape): void {
    const built = this.inputLayer?.builtInputShape;
    const same = built && built.length === inputShape.length && built.every((d, i) => d === inputShape[i]);
    if (same && this.graph) return; // already built for this shape: calling the layers again would share them
    if (!same) {
      const name = this.inputLayer?.name;
      this.inputLayer = new InputLayer({
        shape: inputShape.slice(1) as number[],
        batchSize: inputShape[0] ?? undefined,
        ...(name ? { name } : {}),
      });
    }
    this.inputShape = inputShape;
    this.graph = null;
    // New weights go where the model's existing weights live, else on the selected backend.
    const backend = modelBackend(this);
    let out = this.inputLayer!.getOutputAt(0);
    for (const layer of this.stack) {
      if (backend && !layer.built) layer.weightBackend ??= backend;
      out = layer.apply(out);
    }
    if (this.stack.length > 0) this.setGraph(out);
  }

  protected override compileOutputNames(): string[] {
    const last = this.stack[this.stack.length - 1];
    return [last?.name ?? 'output'];
  }

  /** Shape of one sample the model expects (batch dim removed), or null before it is built. */
  get sampleShape(): number[] | null {
    return this.inputShape ? (this.inputShape.slice(1) as number[]) : null;
  }

  override get outputShape(): SymbolicShape {
    this.requireBuilt('outputShape');
    return super.outputShape;
  }

  /** Runs the layers on a batch. Inference mode unless `training` is set. */
  override call(x: Tensor, ctx: CallContext = { training: false }): Tensor {
    this.checkInput(x);
    return this.callAll([x], ctx)[0]!;
  }

  override toInputs(x: ModelData, op: string): Tensor[] {
    if (x instanceof Tensor) this.checkInput(x);
    return super.toInputs(x, op);
  }

  /**
   * Each layer's output for `x` (inference mode): what Keras users get from a Model on layer outputs.
   * Runs where the weights live; `x` is copied there first when it lives on another backend.
   */
  layerOutputs(x: Tensor): { name: string; output: Tensor }[] {
    this.checkInput(x);
    let [out] = onModelBackend(this, [x]) as [Tensor];
    return this.stack.map((layer) => {
      out = layer.apply(out, { training: false });
      return { name: layer.name, output: out };
    });
  }

  /** Builds on first use, then checks that `x` holds samples of the shape the model was built for. */
  checkInput(x: Tensor): void {
    if (this.stack.length === 0) throw new TensileError(`model '${this.name}' has no layers`);
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
  override summary(opts: { print?: boolean } = {}): string {
    this.requireBuilt('summary');
    const shapes = this.stack.map((l) => l.inboundNodes[l.inboundNodes.length - 1]!.outputs[0]!.shape);
    const text = renderSummary(summaryData(this.name, this.stack, shapes));
    if (opts.print ?? true) console.log(text);
    return text;
  }

  override countParams(): number {
    this.requireBuilt('countParams');
    return super.countParams();
  }

  /** Model outputs for `x`, computed in batches. */
  override predict(x: Tensor, args: PredictArgs = {}): Tensor {
    return super.predict(x, args) as Tensor;
  }

  /** Keras-style config for saving: the layer list with each layer's config. */
  override getConfig(): Record<string, unknown> {
    return {
      name: this.name,
      trainable: this.trainable,
      layers: this.stack.map((l) => ({ class_name: l.className, config: l.getConfig() })),
    };
  }

  private requireBuilt(what: string): void {
    this.requireGraph(what);
  }
}

export type { Callback, CompileArgs, FitArgs };
