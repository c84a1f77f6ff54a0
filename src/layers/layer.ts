import type { Backend } from '../backend/backend.js';
import { ShapeError, TensileError, ValueError } from '../errors.js';
import { getInitializer, type InitializerIdentifier } from '../initializers/index.js';
import { toSnakeCase } from '../naming.js';
import { tensor } from '../ops/core.js';
import { shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { Variable } from '../tensor/tensor.js';
import type { ApplyOptions, CallContext, LayerArgs, LayerOutput, LayerWeight } from './layer-types.js';
import { formatSymbolicShape, Node, SymbolicTensor } from './symbolic.js';

export type { ApplyOptions, CallContext, LayerArgs, LayerOutput, LayerWeight } from './layer-types.js';

/** A shape whose batch dimension (and possibly others) is unknown: Keras' `None`. */
export type SymbolicShape = readonly (number | null)[];

const nameCounters = new Map<string, number>();

/** Keras names layers 'dense', 'dense_1', ... per class; we do the same. */
export function uniqueLayerName(base: string): string {
  const n = nameCounters.get(base) ?? 0;
  nameCounters.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

/** Resets automatic layer names (Keras' `clear_session`). */
export function clearSession(): void {
  nameCounters.clear();
}

/**
 * Base class of all layers. A subclass declares its weights in `build` with `addWeight`, computes
 * in `call` with ops only (gradients come from the tape), and describes itself in `getConfig`.
 */
export abstract class Layer {
  /** Keras class name, used in summaries and saved configs. */
  abstract readonly className: string;
  readonly name: string;
  /** Backing field of `trainable` (a Model overrides the accessor to pass the flag to its layers). */
  protected trainableFlag: boolean;
  /** Backing field of `built` (a Model is built when its graph exists). */
  protected builtFlag = false;
  readonly inputShapeArg: readonly number[] | undefined;
  readonly batchSizeArg: number | undefined;
  protected readonly layerWeights: LayerWeight[] = [];
  /** Shape this layer was built for (batch dim null). */
  builtInputShape: SymbolicShape | undefined;
  /** Calls of this layer on symbolic tensors, in order (Keras' `_inbound_nodes`). */
  readonly inboundNodes: Node[] = [];
  /**
   * Where `addWeight` makes this layer's weights; unset means the selected backend. A model sets it
   * before building a layer added after its other weights exist, so all of a model's weights stay
   * on one backend even if another was selected since.
   */
  get weightBackend(): Backend | undefined {
    return this.weightBackendValue;
  }

  set weightBackend(backend: Backend | undefined) {
    this.weightBackendValue = backend;
  }

  private weightBackendValue: Backend | undefined;

  constructor(args: LayerArgs = {}) {
    this.name = args.name ?? uniqueLayerName(toSnakeCase(this.constructor.name));
    this.trainableFlag = args.trainable ?? true;
    this.inputShapeArg = args.inputShape ? [...args.inputShape] : undefined;
    this.batchSizeArg = args.batchSize;
  }

  /** Whether the layer's weights are updated by training (false freezes them). */
  get trainable(): boolean {
    return this.trainableFlag;
  }

  set trainable(value: boolean) {
    this.trainableFlag = value;
  }

  /** Whether `build` has run (the weights exist). */
  get built(): boolean {
    return this.builtFlag;
  }

  set built(value: boolean) {
    this.builtFlag = value;
  }

  /** Creates the weights for inputs of `inputShape`. Layers without weights keep the default. */
  build(inputShape: SymbolicShape): void {
    this.builtInputShape = inputShape;
    this.built = true;
  }

  /** Output shape for an input shape, without computing anything. */
  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return inputShape;
  }

  /** The layer's computation. Called through `apply`, which builds the layer on first use. */
  abstract call(x: Tensor, ctx: CallContext): Tensor;

  /**
   * Builds if needed (from the input's shape), then calls. On symbolic inputs, records the call.
   * A layer with several outputs (a recurrent layer with `returnState`) returns a list: the output,
   * then the final states, as Keras does; the return type follows the layer's `returnState` type
   * (see LayerOutput). `initialState` starts a recurrent layer from given states instead of zeros;
   * symbolic initial states become inputs of the recorded call, so gradients reach them.
   *
   * @example
   * import { LSTM, tensor, zeros } from 'tensile';
   * const lstm = new LSTM(2, { returnState: true });
   * const [out, h, c] = lstm.apply(zeros([1, 3, 4]), { initialState: [tensor([[1, 0]]), zeros([1, 2])] });
   * console.log(out.shape, h.shape, c.shape); // [1, 2] [1, 2] [1, 2]
   */
  apply<L extends Layer>(
    this: L,
    x: Tensor | readonly Tensor[],
    opts?: ApplyOptions<Tensor>,
  ): LayerOutput<L, Tensor>;
  apply<L extends Layer>(
    this: L,
    x: SymbolicTensor | readonly SymbolicTensor[],
    opts?: ApplyOptions<SymbolicTensor>,
  ): LayerOutput<L, SymbolicTensor>;
  apply(
    x: Tensor | SymbolicTensor | readonly (Tensor | SymbolicTensor)[],
    opts: ApplyOptions<Tensor | SymbolicTensor> = {},
  ): Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[] {
    const list = Array.isArray(x);
    const inputs: readonly (Tensor | SymbolicTensor)[] = list ? x : [x as Tensor | SymbolicTensor];
    this.checkArity(list, inputs.length);
    const { initialState, ...ctxOpts } = opts;
    const states = initialState === undefined ? [] : this.checkStateList(initialState);
    const all = [...inputs, ...states];
    const symbolic = all.filter((t) => t instanceof SymbolicTensor).length;
    if (symbolic === all.length)
      return this.applySymbolic(inputs as SymbolicTensor[], list, states as SymbolicTensor[]);
    if (symbolic > 0)
      throw new ValueError(`${this.describe()}: cannot mix symbolic tensors (from Input) and real tensors`);
    const tensors = inputs as Tensor[];
    if (!this.built) this.buildFromShapes(tensors.map((t) => [null, ...t.shape.slice(1)]));
    const ctx: CallContext = { ...ctxOpts, training: ctxOpts.training ?? false };
    return this.invoke(tensors, ctx, initialState === undefined ? undefined : (states as Tensor[]));
  }

  /** Records a call on symbolic inputs: builds the layer if needed and makes a Node. */
  private applySymbolic(
    inputs: SymbolicTensor[],
    list: boolean,
    states: SymbolicTensor[],
  ): SymbolicTensor | SymbolicTensor[] {
    const shapes = inputs.map((t) => t.shape);
    if (!this.built) this.buildFromShapes(shapes);
    else this.checkInputShapes(shapes);
    const outs = this.outputShapesFor(
      shapes,
      states.map((t) => t.shape),
    );
    return this.nodeOutput(new Node(this, [...inputs, ...states], list, outs, 'float32', states.length));
  }

  /** Checks that `initialState` is a list and that this layer takes one. */
  private checkStateList(states: unknown): readonly (Tensor | SymbolicTensor)[] {
    if (!this.takesInitialState)
      throw new ValueError(
        `${this.describe()}: does not take initialState (only recurrent layers and Bidirectional do)`,
      );
    if (!Array.isArray(states) || states.length === 0)
      throw new ValueError(
        `${this.describe()}: initialState must be a non-empty list of tensors, got ${Array.isArray(states) ? '[]' : String(states)}`,
      );
    return states;
  }

  private checkArity(list: boolean, count: number): void {
    if (this.takesList && (!list || count < 2)) {
      throw new ValueError(
        `${this.describe()}: expects a list of at least 2 inputs, got ${list ? count : 'one tensor'}`,
      );
    }
    if (!this.takesList && list && count !== 1) {
      throw new ValueError(`${this.describe()}: takes one input, got a list of ${count}`);
    }
  }

  /** "layer 'dense' (Dense)", the way errors name a layer. */
  describe(): string {
    return `layer '${this.name}' (${this.className})`;
  }

  /** True for layers called on a list of inputs (merge layers such as Concatenate and Add). */
  get takesList(): boolean {
    return false;
  }

  /** Builds for the shapes of all inputs; single-input layers build for the one shape. */
  protected buildFromShapes(shapes: readonly SymbolicShape[]): void {
    this.build(shapes[0]!);
  }

  /** Output shape for the shapes of all inputs. */
  outputShapeFromShapes(shapes: readonly SymbolicShape[]): SymbolicShape {
    return this.computeOutputShape(shapes[0]!);
  }

  /**
   * The shapes of every output of a call on inputs of `shapes` with initial states of `stateShapes`
   * (one output unless `returnsList`). Recurrent layers check the states here.
   */
  outputShapesFor(shapes: readonly SymbolicShape[], _stateShapes: readonly SymbolicShape[]): SymbolicShape[] {
    return [this.outputShapeFromShapes(shapes)];
  }

  /** True when a call returns a list of tensors (a recurrent layer with `returnState`). */
  get returnsList(): boolean {
    return false;
  }

  /** True for layers that take `initialState` (the recurrent layers and Bidirectional). */
  get takesInitialState(): boolean {
    return false;
  }

  /**
   * Runs the (built) layer on all its inputs: what a graph node executes. `initialState` reaches
   * only layers that take it (see takesInitialState); a layer with `returnsList` returns a list.
   */
  invoke(inputs: readonly Tensor[], ctx: CallContext, _initialState?: readonly Tensor[]): Tensor | Tensor[] {
    return this.call(inputs[0]!, ctx);
  }

  /**
   * Checks that inputs fit a layer that is already built (a shared layer called again). Layers with
   * weights act on the last axis, so it must match; layers without weights accept any shape.
   */
  protected checkInputShapes(shapes: readonly SymbolicShape[]): void {
    const built = this.builtInputShape;
    const shape = shapes[0]!;
    if (!built || this.layerWeights.length === 0) return;
    const [want, got] = [built[built.length - 1], shape[shape.length - 1]];
    if (typeof want === 'number' && typeof got === 'number' && want !== got) {
      throw new ShapeError(
        this.describe(),
        [shape.map((d) => d ?? -1)],
        `the layer was built for inputs ${formatSymbolicShape(built)} and cannot take ${formatSymbolicShape(shape)} (last dimension ${got} ≠ ${want})`,
      );
    }
  }

  private singleNode(what: string): Node {
    if (this.inboundNodes.length === 0)
      throw new TensileError(
        `${this.describe()}.${what}: the layer has not been called on a symbolic input (Input) yet`,
      );
    if (this.inboundNodes.length > 1) {
      throw new TensileError(
        `${this.describe()}.${what}: the layer is called in ${this.inboundNodes.length} places (a shared layer); ` +
          `use ${what === 'output' ? 'getOutputAt' : 'getInputAt'}(nodeIndex)`,
      );
    }
    return this.inboundNodes[0]!;
  }

  /** What a node gives as the layer's output: its one tensor, or the list of a multi-output layer. */
  protected nodeOutput(node: Node): SymbolicTensor | SymbolicTensor[] {
    return this.returnsList ? [...node.outputs] : node.outputs[0]!;
  }

  /**
   * The symbolic output of the layer's only call (Keras' `layer.output`): a list [output, ...states]
   * for a multi-output layer (a recurrent layer with `returnState`). Typed as that union because a
   * property cannot follow the layer's type; `getOutputAt(0)` gives the same value typed exactly.
   */
  get output(): SymbolicTensor | SymbolicTensor[] {
    return this.nodeOutput(this.singleNode('output'));
  }

  /**
   * The symbolic input of the layer's only call: a list for merge layers, and, as Keras'
   * `input_tensors`, the input then the initial states for a recurrent layer given `initialState`.
   */
  get input(): SymbolicTensor | readonly SymbolicTensor[] {
    const node = this.singleNode('input');
    return node.listInput || node.stateInputs > 0 ? node.inputs : node.inputs[0]!;
  }

  /** The symbolic output of call number `nodeIndex` of a shared layer (a list for a multi-output layer). */
  getOutputAt<L extends Layer>(this: L, nodeIndex: number): LayerOutput<L, SymbolicTensor> {
    const node = this.inboundNodes[nodeIndex];
    if (!node)
      throw new ValueError(
        `${this.describe()}.getOutputAt(${nodeIndex}): the layer has ${this.inboundNodes.length} calls`,
      );
    // Safe: returnsList is true exactly for the layers whose returnState type makes this a list.
    return this.nodeOutput(node) as LayerOutput<L, SymbolicTensor>;
  }

  /** The symbolic input of call number `nodeIndex` of a shared layer. */
  getInputAt(nodeIndex: number): SymbolicTensor | readonly SymbolicTensor[] {
    const node = this.inboundNodes[nodeIndex];
    if (!node)
      throw new ValueError(
        `${this.describe()}.getInputAt(${nodeIndex}): the layer has ${this.inboundNodes.length} calls`,
      );
    return node.listInput || node.stateInputs > 0 ? node.inputs : node.inputs[0]!;
  }

  /**
   * Declares a weight on `weightBackend` (else the selected backend); unseeded initializers draw
   * from the global generator (see setRandomSeed).
   */
  protected addWeight(
    name: string,
    shape: readonly number[],
    initializer: InitializerIdentifier,
    opts: { trainable?: boolean; dtype?: 'float32' | 'int32' } = {},
  ): Variable {
    const init = getInitializer(initializer);
    const trainable = opts.trainable ?? true;
    const initial = init.call([...shape], opts.dtype ?? 'float32', { backend: this.weightBackend });
    const variable = new Variable(initial, {
      name: `${this.name}/${name}`,
      trainable,
    });
    this.layerWeights.push({ variable, name, trainable });
    return variable;
  }

  /** All weights in creation order (the order Keras saves them in). */
  get weights(): Variable[] {
    return this.layerWeights.map((w) => w.variable);
  }

  get weightEntries(): readonly LayerWeight[] {
    return this.layerWeights;
  }

  get trainableWeights(): Variable[] {
    return this.trainable ? this.layerWeights.filter((w) => w.trainable).map((w) => w.variable) : [];
  }

  get nonTrainableWeights(): Variable[] {
    return this.layerWeights.filter((w) => !this.trainable || !w.trainable).map((w) => w.variable);
  }

  /**
   * Copies of the weight values in Keras order (creation order; a model's layer by layer), each on
   * its weight's backend, as Keras' `get_weights()`.
   *
   * @example
   * import { Dense, tensor } from 'tensile';
   * const dense = new Dense(2);
   * dense.apply(tensor([[1, 2, 3]]));
   * console.log(dense.getWeights().map((w) => w.shape)); // [[3, 2], [2]]
   */
  getWeights(): Tensor[] {
    return this.weights.map((w) => tensor(w.dataSync(), w.shape, w.dtype, { backend: w.backend }));
  }

  /**
   * Sets the weights from values in `getWeights` order; counts and shapes must match exactly. Weights
   * stay on their backend: a value from another backend is copied onto it (see Variable.assign).
   *
   * @example
   * import { Dense, tensor } from 'tensile';
   * const dense = new Dense(1);
   * dense.apply(tensor([[1, 2]]));
   * dense.setWeights([tensor([[0.5], [0.25]]), tensor([1])]);
   * console.log(dense.apply(tensor([[1, 2]])).dataSync()[0]); // 2
   */
  setWeights(values: readonly Tensor[]): void {
    const vars = this.weights;
    if (values.length !== vars.length)
      throw new ValueError(`setWeights: ${this.describe()} has ${vars.length} weights, got ${values.length}`);
    vars.forEach((v, i) => {
      const value = values[i]!;
      if (!shapesEqual(v.shape, value.shape))
        throw new ShapeError(`setWeights (${v.name})`, [v.shape, value.shape], 'weight shape differs');
      v.assign(value);
    });
  }

  countParams(): number {
    return this.layerWeights.reduce((n, w) => n + w.variable.size, 0);
  }

  /** Keras-style config (snake_case keys, as in Keras' `get_config`), enough to rebuild the layer. */
  getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { name: this.name, trainable: this.trainable, dtype: 'float32' };
    if (this.inputShapeArg) config.batch_input_shape = [this.batchSizeArg ?? null, ...this.inputShapeArg];
    return config;
  }

  /** Throws a ShapeError naming this layer when the input's last dim is not what it was built for. */
  protected checkInputDim(x: Tensor, expected: number): void {
    if (x.shape[x.rank - 1] !== expected) {
      throw new ShapeError(
        `layer '${this.name}' (${this.className})`,
        [x.shape],
        `expected last dimension ${expected}, got ${x.shape[x.rank - 1]}`,
      );
    }
  }
}

/**
 * The LayerArgs part of a Keras layer config: name, trainable, and the input shape from
 * `batch_input_shape` (Keras 2) or `batch_shape` (Keras 3 InputLayer style).
 */
export function baseArgsFromConfig(config: Record<string, unknown>): LayerArgs {
  const args: LayerArgs = {};
  if (typeof config.name === 'string') args.name = config.name;
  if (typeof config.trainable === 'boolean') args.trainable = config.trainable;
  const batchShape = (config.batch_input_shape ?? config.batch_shape) as (number | null)[] | undefined;
  if (Array.isArray(batchShape)) {
    args.inputShape = batchShape.slice(1) as number[];
    if (typeof batchShape[0] === 'number') args.batchSize = batchShape[0];
  }
  return args;
}

/** Checks a positional integer argument (units, rates...) with an error naming the layer class. */
export function requirePositiveInt(cls: string, what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ValueError(`${cls}: ${what} must be a positive integer, got ${String(value)}`);
  }
  return value;
}
