import type { DType } from '../tensor/dtype.js';
import type { Layer, SymbolicShape } from './layer.js';

/**
 * '(None, 3)' as Keras prints shapes in messages.
 *
 * @example
 * import { formatSymbolicShape } from 'tensile';
 * console.log(formatSymbolicShape([null, 3])); // (None, 3)
 */
export function formatSymbolicShape(shape: SymbolicShape): string {
  const parts = shape.map((d) => (d === null ? 'None' : String(d)));
  return `(${parts.join(', ')}${parts.length === 1 ? ',' : ''})`;
}

/**
 * A placeholder for a tensor in a layer graph (Keras' `KerasTensor`): its shape with the batch
 * dimension `null`, its dtype, and the layer call (node) that produces it. Calling a layer on
 * symbolic tensors records the call instead of computing anything; `new Model({ inputs, outputs })`
 * then runs the recorded graph on real data.
 *
 * @example
 * import { Input, Dense } from 'tensile';
 * const x = Input({ shape: [3] });
 * const y = new Dense(2).apply(x);
 * console.log(y.shape, y.sourceLayer.className); // [null, 2] Dense
 */
export class SymbolicTensor {
  constructor(
    readonly shape: SymbolicShape,
    readonly dtype: DType,
    readonly node: Node,
    readonly tensorIndex: number,
  ) {}

  /** The layer whose call produced this tensor. */
  get sourceLayer(): Layer {
    return this.node.layer;
  }

  /** Keras' `keras_history`: [layer name, index of the call among the layer's calls, output index]. */
  get history(): [string, number, number] {
    return [this.node.layer.name, this.node.index, this.tensorIndex];
  }

  get rank(): number {
    return this.shape.length;
  }

  /** 'dense[0][0]', as Keras' summary names a connection. */
  toString(): string {
    const [layer, node, tensor] = this.history;
    return `${layer}[${node}][${tensor}]`;
  }
}

/**
 * One call of a layer on symbolic inputs (Keras' `Node`): which tensors went in, whether they were
 * passed as a list (merge layers take lists), and the tensors that came out (several for a layer
 * such as an LSTM with `returnState`, each knowing its index). `inputs` holds every tensor of the
 * call, as Keras' `input_tensors`: the positional input(s), then the `initialState` tensors of a
 * recurrent layer (the last `stateInputs` of them). The node registers itself in the layer's
 * `inboundNodes`, so a layer called twice (a shared layer) has two nodes.
 *
 * @example
 * import { Input, Dense } from 'tensile';
 * const dense = new Dense(2);
 * dense.apply(Input({ shape: [3] }));
 * console.log(dense.inboundNodes.length, dense.inboundNodes[0].inputs[0].shape); // 1 [null, 3]
 */
export class Node {
  readonly outputs: readonly SymbolicTensor[];
  /** Position of this call among the layer's calls. */
  readonly index: number;

  constructor(
    readonly layer: Layer,
    readonly inputs: readonly SymbolicTensor[],
    readonly listInput: boolean,
    outputShapes: readonly SymbolicShape[],
    outputDtype: DType,
    /** How many of `inputs` (the last ones) were passed as `initialState`. */
    readonly stateInputs = 0,
  ) {
    this.index = layer.inboundNodes.length;
    this.outputs = outputShapes.map((shape, i) => new SymbolicTensor(shape, outputDtype, this, i));
    layer.inboundNodes.push(this);
  }

  /** The positional input(s) of the call: `inputs` without the initial states. */
  get args(): readonly SymbolicTensor[] {
    return this.inputs.slice(0, this.inputs.length - this.stateInputs);
  }

  /** The tensors passed as `initialState` (empty when none were). */
  get initialState(): readonly SymbolicTensor[] {
    return this.inputs.slice(this.inputs.length - this.stateInputs);
  }

  /** True for the node an InputLayer makes for itself: it has no inputs. */
  get isInput(): boolean {
    return this.inputs.length === 0;
  }
}
