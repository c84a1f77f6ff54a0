import { TensileError, ValueError } from '../errors.js';
import { InputLayer } from '../layers/input-layer.js';
import type { CallContext, Layer } from '../layers/layer.js';
import { type Node, SymbolicTensor } from '../layers/symbolic.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * The part of a layer graph between some inputs and outputs, in the orders Keras uses: `nodes` in
 * execution order (deepest first) and `layers` as Keras' `model.layers` lists them (by depth from
 * the outputs, deepest first; ties in the order a walk back from the outputs first meets them).
 * The layer order matters beyond looks: Keras 3 names weight groups in files by it.
 *
 * @example
 * import { Input, Dense, layerGraph } from 'tensile';
 * const x = Input({ shape: [3] });
 * const g = layerGraph([x], [new Dense(2).apply(new Dense(4).apply(x))], 'model');
 * console.log(g.layers.map((l) => l.className)); // [InputLayer, Dense, Dense]
 */
export interface LayerGraph {
  readonly inputs: readonly SymbolicTensor[];
  readonly outputs: readonly SymbolicTensor[];
  readonly nodes: readonly Node[];
  readonly layers: readonly Layer[];
  /** Nodes of this graph, with their depth (0 = produces an output). */
  readonly depth: ReadonlyMap<Node, number>;
  /** The nodes whose result is a model output: only these keep their logits for the loss. */
  readonly outputNodes: ReadonlySet<Node>;
}

function checkTensors(what: string, tensors: readonly unknown[], model: string): SymbolicTensor[] {
  if (tensors.length === 0) throw new ValueError(`Model '${model}': ${what} must not be empty`);
  return tensors.map((t, i) => {
    if (!(t instanceof SymbolicTensor)) {
      throw new ValueError(
        `Model '${model}': ${what}[${i}] is not a symbolic tensor (make inputs with Input() and outputs with layer.apply)`,
      );
    }
    return t;
  });
}

/**
 * Maps the graph from `outputs` back to `inputs` (Keras' `map_graph`), checking that every output
 * is computed from the given inputs only.
 */
export function layerGraph(
  inputsIn: readonly SymbolicTensor[],
  outputsIn: readonly SymbolicTensor[],
  model: string,
): LayerGraph {
  const inputs = checkTensors('inputs', inputsIn, model);
  const outputs = checkTensors('outputs', outputsIn, model);
  inputs.forEach((t, i) => {
    if (!(t.sourceLayer instanceof InputLayer)) {
      throw new ValueError(
        `Model '${model}': inputs[${i}] is the output of ${t.sourceLayer.describe()}, not of Input(); model inputs must come from Input()`,
      );
    }
    if (inputs.indexOf(t) !== i)
      throw new ValueError(`Model '${model}': input '${t.sourceLayer.name}' is listed twice`);
  });
  const inputNodes = new Set(inputs.map((t) => t.node));
  const finished = new Set<Node>();
  const decreasingDepth: Node[] = [];
  const layerIndex = new Map<Layer, number>();
  const visit = (t: SymbolicTensor, output: SymbolicTensor) => {
    const node = t.node;
    if (finished.has(node)) return;
    if (!layerIndex.has(node.layer)) layerIndex.set(node.layer, layerIndex.size);
    if (node.isInput && !inputNodes.has(node)) {
      const given = inputs.map((x) => `'${x.sourceLayer.name}'`).join(', ');
      throw new ValueError(
        `Model '${model}': graph disconnected: output '${output.sourceLayer.name}' needs input '${node.layer.name}', ` +
          `which is not among the model's inputs (${given})`,
      );
    }
    for (const x of node.inputs) visit(x, output);
    finished.add(node);
    decreasingDepth.push(node);
  };
  for (const out of outputs) visit(out, out);

  // Keras' depth rule: a node is one deeper than the deepest node that consumes it, and all nodes
  // of a layer share the layer's greatest depth.
  const depth = new Map<Node, number>();
  const layerDepth = new Map<Layer, number>();
  for (const node of [...decreasingDepth].reverse()) {
    const d = Math.max(depth.get(node) ?? 0, layerDepth.get(node.layer) ?? 0);
    layerDepth.set(node.layer, d);
    depth.set(node, d);
    for (const x of node.inputs) depth.set(x.node, Math.max(d + 1, depth.get(x.node) ?? 0));
  }
  for (const t of inputs) {
    // An input no output uses still belongs to the model (Keras keeps it for losses and metrics).
    if (!layerDepth.has(t.sourceLayer)) {
      layerDepth.set(t.sourceLayer, 0);
      layerIndex.set(t.sourceLayer, -1);
      depth.set(t.node, 0);
    }
  }
  const layers = [...layerDepth.keys()].sort(
    (a, b) => layerDepth.get(b)! - layerDepth.get(a)! || layerIndex.get(a)! - layerIndex.get(b)!,
  );
  const names = new Map<string, Layer>();
  for (const layer of layers) {
    const other = names.get(layer.name);
    if (other && other !== layer)
      throw new ValueError(
        `Model '${model}': two different layers are named '${layer.name}'; layer names must be unique`,
      );
    names.set(layer.name, layer);
  }
  const nodes = [...depth.keys()].sort((a, b) => depth.get(b)! - depth.get(a)!);
  return { inputs, outputs, nodes, layers, depth, outputNodes: new Set(outputs.map((t) => t.node)) };
}

/**
 * Runs a layer graph on real tensors (one per graph input) and returns one tensor per output.
 * Masks (Embedding maskZero → RNN) travel with the tensors, so they flow as in a Sequential model.
 *
 * @example
 * import { Input, Dense, layerGraph, runGraph, tensor } from 'tensile';
 * const x = Input({ shape: [3] });
 * const g = layerGraph([x], [new Dense(2).apply(x)], 'model');
 * console.log(runGraph(g, [tensor([[1, 2, 3]])], { training: false })[0].shape); // [1, 2]
 */
export function runGraph(graph: LayerGraph, xs: readonly Tensor[], ctx: CallContext): Tensor[] {
  if (xs.length !== graph.inputs.length)
    throw new TensileError(`runGraph: the graph has ${graph.inputs.length} inputs, got ${xs.length} tensors`);
  const values = new Map<SymbolicTensor, Tensor>();
  for (const [i, t] of graph.inputs.entries()) values.set(t, xs[i]!);
  const inner: CallContext = { ...ctx, logitsNeeded: false };
  for (const node of graph.nodes) {
    if (node.isInput) continue;
    const args = node.inputs.map((t) => values.get(t)!);
    const n = args.length - node.stateInputs;
    const states = node.stateInputs > 0 ? args.slice(n) : undefined;
    const out = node.layer.invoke(args.slice(0, n), graph.outputNodes.has(node) ? ctx : inner, states);
    const outs = Array.isArray(out) ? out : [out];
    for (const [i, t] of node.outputs.entries()) values.set(t, outs[i]!);
  }
  return graph.outputs.map((t) => values.get(t)!);
}
