import { InputLayer } from '../layers/input-layer.js';
import type { Layer } from '../layers/layer.js';
import type { Node, SymbolicTensor } from '../layers/symbolic.js';
import { Model } from '../models/model.js';
import { refusedLayerKeys } from './config-keys.js';
import { ModelFileError } from './errors.js';
import { type LayerClass, layerFromConfig } from './registry.js';

type Json = Record<string, unknown>;
type History = [string, number, number];

/** A node's position among the calls of its layer that belong to `model` (Keras re-indexes so). */
function ownIndex(model: Model, node: Node): number {
  return node.layer.inboundNodes.slice(0, node.index).filter((n) => model.hasNode(n)).length;
}

function history(model: Model, t: SymbolicTensor): History {
  return [t.sourceLayer.name, ownIndex(model, t.node), t.tensorIndex];
}

/**
 * Keras counts the calls of a nested Functional model from 1 in `input_layers` / `output_layers`
 * (functional.py's `get_config` keeps node 0 for the "pre-existing node" Keras 2 models had, and
 * `functional_from_config` subtracts it again); inbound nodes and Sequential models count from 0.
 */
const structureOffset = (layer: Layer): number =>
  layer instanceof Model && layer.className === 'Functional' ? 1 : 0;

function structureHistory(model: Model, t: SymbolicTensor): History {
  const [name, node, tensor] = history(model, t);
  return [name, node + structureOffset(t.sourceLayer), tensor];
}

/** The input / output structure: one [layer, node, tensor] triple, or a list of them (Keras saves the structure). */
function tensorRefs(
  model: Model,
  tensors: readonly SymbolicTensor[],
  asList: boolean,
  legacy: boolean,
): unknown {
  const refs = tensors.map((t) => structureHistory(model, t));
  // Keras 2 always writes a list, even for one tensor; Keras 3 keeps what the user passed.
  return asList || legacy ? refs : refs[0];
}

/**
 * A layer's `build_config` as Keras 3 records it: `input_shape` (a list of shapes for merge layers),
 * or, for a first call that also passed initial states, `shapes_dict` with one entry per tensor
 * argument of `call` (keras/src/layers/layer.py, `get_build_config` and `get_shapes_dict`).
 */
function buildConfig(model: Model, layer: Layer): Json {
  const node = layer.inboundNodes.find((n) => model.hasNode(n));
  if (!node) return { input_shape: layer.builtInputShape ? [...layer.builtInputShape] : null };
  const args = node.args;
  const input = node.listInput ? args.map((t) => [...t.shape]) : [...args[0]!.shape];
  if (node.stateInputs === 0) return { input_shape: input };
  return {
    shapes_dict: {
      sequences_shape: input,
      initial_state_shape: node.initialState.map((t) => [...t.shape]),
    },
  };
}

/** Keras 3 `__keras_tensor__` entry of an inbound node. */
function kerasTensor(model: Model, t: SymbolicTensor): Json {
  return {
    class_name: '__keras_tensor__',
    config: { shape: [...t.shape], dtype: t.dtype, keras_history: history(model, t) },
  };
}

/**
 * The `config` of a Functional model as Keras writes it: each layer with its `inbound_nodes` (Keras
 * 3's `{args, kwargs}` form, or Keras 2's `[[layer, node, tensor, kwargs], ...]` when `legacy`),
 * then `input_layers` and `output_layers` (keras/src/models/functional.py, `get_config`). A nested
 * model's entry is its whole serialized config (`nestedEntry`) plus its name and inbound nodes.
 *
 * @example
 * // functionalConfig(model, false).layers[1].inbound_nodes → [{ args: [{ class_name: '__keras_tensor__', ... }], kwargs: {} }]
 */
export function functionalConfig(
  model: Model,
  legacy: boolean,
  layerConfig: (l: Layer) => Json,
  nestedEntry: (m: Model) => Json,
): Json {
  const layers = model.layers.map((layer) => {
    const nodes = layer.inboundNodes.filter((n) => model.hasNode(n) && !n.isInput);
    // Keras 2 lists initial states after the input (its RNN.__call__ appends them to the inputs);
    // Keras 3 passes them as the call's `initial_state` keyword argument.
    const inbound = nodes.map((n) =>
      legacy
        ? n.inputs.map((t) => [...history(model, t), {}])
        : {
            args: [n.listInput ? n.args.map((t) => kerasTensor(model, t)) : kerasTensor(model, n.args[0]!)],
            kwargs:
              n.stateInputs > 0 ? { initial_state: n.initialState.map((t) => kerasTensor(model, t)) } : {},
          },
    );
    if (layer instanceof Model) return { ...nestedEntry(layer), name: layer.name, inbound_nodes: inbound };
    if (legacy)
      return {
        class_name: layer.className,
        config: layerConfig(layer),
        name: layer.name,
        inbound_nodes: inbound,
      };
    const entry: Json = {
      module: 'keras.layers',
      class_name: layer.className,
      config: layerConfig(layer),
      registered_name: null,
    };
    if (!(layer instanceof InputLayer)) entry.build_config = buildConfig(model, layer);
    entry.name = layer.name;
    entry.inbound_nodes = inbound;
    return entry;
  });
  return {
    name: model.name,
    trainable: model.trainable,
    layers,
    input_layers: tensorRefs(model, model.inputs, model.inputsAreList, legacy),
    output_layers: tensorRefs(model, model.outputs, model.outputsAreList, legacy),
  };
}

/** Config class names of models that may appear as layers of another model. */
const NESTED_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

/**
 * How functionalFromConfig rebuilds a nested model entry (model-config.ts owns model configs), and
 * the Keras major version whose node numbering the file uses.
 *
 * @example
 * // { load: (entry, where) => modelFromConfig(entry, where, custom, 3), kerasMajor: 3 }
 */
export interface NestedLoader {
  load(entry: Json, where: string): Model;
  kerasMajor: number;
}

const isRef = (v: unknown): v is History =>
  Array.isArray(v) && v.length >= 3 && typeof v[0] === 'string' && typeof v[1] === 'number';

/** One inbound node: the references of its input(s), whether they form a list, and of its initial states. */
interface NodeRefs {
  refs: History[];
  list: boolean;
  states: History[];
}

/**
 * The [layer, node, tensor] references of one inbound node, in either Keras format. Initial states
 * of a recurrent layer: Keras 2 lists them after the input (tf.keras 2.x `RNN.__call__` calls the
 * layer on `[inputs] + initial_state`, and `Node.serialize` writes every tensor of that list),
 * Keras 3 in `kwargs.initial_state` (keras/src/models/functional.py `serialize_node`), or as a second
 * positional argument (`layer(x, [h, c])`).
 */
function nodeRefs(data: unknown, where: string, layer: Layer): NodeRefs {
  const takesStates = layer.takesInitialState;
  if (Array.isArray(data)) {
    // Keras 2: [[name, node, tensor, kwargs], ...]; one reference means a plain (non-list) call.
    if (!data.every(isRef))
      throw new ModelFileError(
        `${where}: layer '${layer.name}' has a malformed inbound node ${JSON.stringify(data)}`,
      );
    const refs = data.map((r) => [r[0], r[1], r[2]] as History);
    if (takesStates) return { refs: refs.slice(0, 1), list: false, states: refs.slice(1) };
    return { refs, list: data.length > 1, states: [] };
  }
  const node = (data ?? {}) as Json;
  const kwargs = (node.kwargs ?? {}) as Json;
  // A layer called as layer(inputs=x) has its tensor in kwargs.inputs (kwargs.sequences for a
  // recurrent layer) instead of args.
  const kwInputs = kwargs.inputs ?? (takesStates ? kwargs.sequences : undefined);
  let args =
    Array.isArray(node.args) && node.args.length === 0 && kwInputs !== undefined ? [kwInputs] : node.args;
  let stateData = takesStates ? kwargs.initial_state : undefined;
  if (takesStates && Array.isArray(args) && args.length === 2 && stateData === undefined) {
    stateData = args[1];
    args = args.slice(0, 1);
  }
  if (!Array.isArray(args) || args.length !== 1) {
    throw new ModelFileError(
      `${where}: layer '${layer.name}' has an inbound node Tensile cannot read: ${JSON.stringify(data)}`,
    );
  }
  const ref = (t: unknown): History => {
    const h = ((t as Json | null)?.config as Json | undefined)?.keras_history;
    if (!isRef(h))
      throw new ModelFileError(
        `${where}: layer '${layer.name}' has an inbound tensor without keras_history: ${JSON.stringify(t)}`,
      );
    return [h[0], h[1], h[2]];
  };
  if (stateData !== undefined && stateData !== null && !Array.isArray(stateData)) stateData = [stateData]; // one state given alone (GRU, SimpleRNN)
  const states = Array.isArray(stateData) ? stateData.map(ref) : [];
  return Array.isArray(args[0])
    ? { refs: args[0].map(ref), list: true, states }
    : { refs: [ref(args[0])], list: false, states };
}

/** Input or output references: one triple, a list of triples, or a map of them (taken in key order). */
function structureRefs(v: unknown, what: string, where: string): { refs: History[]; list: boolean } {
  if (isRef(v)) return { refs: [[v[0], v[1], v[2]]], list: false };
  const items = Array.isArray(v) ? v : v && typeof v === 'object' ? Object.values(v) : null;
  if (!items?.every(isRef))
    throw new ModelFileError(`${where}: the model config's ${what} are malformed: ${JSON.stringify(v)}`);
  return { refs: items.map((r) => [r[0], r[1], r[2]] as History), list: true };
}

/**
 * An InputLayer from its config, refusing keys that would change what it feeds the model (sparse,
 * ragged, a dtype other than float32); see config-keys.ts.
 *
 * @example
 * // inputLayerFromConfig({ name: 'x', batch_shape: [null, 3], dtype: 'float32' }, 'model.keras')
 */
export function inputLayerFromConfig(config: Json, where: string): InputLayer {
  const refused = refusedLayerKeys('InputLayer', config);
  if (refused.length > 0)
    throw new ModelFileError(
      `${where}: the InputLayer${typeof config.name === 'string' ? ` '${config.name}'` : ''} uses ${refused.join(', ')}, which Tensile does not support`,
    );
  return InputLayer.fromConfig(config);
}

/**
 * Rebuilds a Functional model from its config (Keras 3 or Keras 2 node format): creates every
 * layer, then replays the layer calls in config order, deferring a call until the calls it
 * depends on exist (Keras' `functional_from_config`).
 *
 * @example
 * // const model = functionalFromConfig(JSON.parse(configJson).config, 'model.keras', {});
 */
export function functionalFromConfig(
  config: Json,
  where: string,
  custom: Record<string, LayerClass>,
  normalize: (className: string, c: Json) => Json,
  nested: NestedLoader,
): Model {
  const entries = config.layers;
  if (!Array.isArray(entries)) throw new ModelFileError(`${where}: the Functional config has no layer list`);
  const created = new Map<string, Layer>();
  const pending = new Map<Layer, unknown[]>();
  /** Keras 2 nested models built at creation: their config counts calls from 1 (node 0 was their own graph). */
  const skipsFirst = new Set<Layer>();
  for (const raw of entries as Json[]) {
    const className = String(raw.class_name);
    const layerConfig = normalize(className, (raw.config ?? {}) as Json);
    const name = String(raw.name ?? layerConfig.name);
    if (created.has(name)) throw new ModelFileError(`${where}: two layers are named '${name}'`);
    const layer = NESTED_CLASSES.has(className)
      ? nested.load(raw, `${where} (nested model '${name}')`)
      : className === 'InputLayer'
        ? inputLayerFromConfig(layerConfig, where)
        : layerFromConfig(className, layerConfig, where, custom);
    if (nested.kerasMajor < 3 && layer instanceof Model && layer.built) skipsFirst.add(layer);
    created.set(name, layer);
    const nodes = raw.inbound_nodes ?? [];
    if (!Array.isArray(nodes))
      throw new ModelFileError(`${where}: layer '${name}' has no inbound_nodes list`);
    if (nodes.length > 0) pending.set(layer, [...nodes]);
  }
  const tensorAt = (
    [name, node, tensor]: History,
    what: string,
    structure = false,
  ): SymbolicTensor | null => {
    const layer = created.get(name);
    if (!layer)
      throw new ModelFileError(
        `${where}: ${what} refers to layer '${name}', which the config does not define`,
      );
    const offset = skipsFirst.has(layer)
      ? 1
      : structure && nested.kerasMajor >= 3
        ? structureOffset(layer)
        : 0;
    if (node - offset < 0)
      throw new ModelFileError(
        `${where}: ${what} refers to call ${node} of nested model '${name}', which Keras numbers from ${offset}`,
      );
    return layer.inboundNodes[node - offset]?.outputs[tensor] ?? null;
  };
  while (pending.size > 0) {
    let progress = false;
    for (const [layer, nodes] of pending) {
      while (nodes.length > 0) {
        const { refs, list, states } = nodeRefs(nodes[0], where, layer);
        const inputs = [...refs, ...states].map((r) => tensorAt(r, `layer '${layer.name}'`));
        if (inputs.some((t) => t === null)) break;
        const args = inputs.slice(0, refs.length) as SymbolicTensor[];
        const opts = states.length > 0 ? { initialState: inputs.slice(refs.length) as SymbolicTensor[] } : {};
        try {
          layer.apply(list ? args : args[0]!, opts);
        } catch (e) {
          throw new ModelFileError(
            `${where}: cannot rebuild the call of layer '${layer.name}': ${(e as Error).message}`,
          );
        }
        nodes.shift();
        progress = true;
      }
      if (nodes.length === 0) pending.delete(layer);
    }
    if (!progress) {
      const waiting = [...pending.keys()].map((l) => `'${l.name}'`).join(', ');
      throw new ModelFileError(
        `${where}: the Functional graph has loops or calls of missing layers; unresolved: ${waiting}`,
      );
    }
  }
  const resolve = (v: unknown, what: string) => {
    const { refs, list } = structureRefs(v, what, where);
    const tensors = refs.map((r) => {
      const t = tensorAt(r, what, true);
      if (!t)
        throw new ModelFileError(
          `${where}: ${what} refers to call ${r[1]} of layer '${r[0]}', which does not exist`,
        );
      return t;
    });
    return list ? tensors : tensors[0]!;
  };
  const inputs = resolve(config.input_layers, 'input_layers');
  const outputs = resolve(config.output_layers, 'output_layers');
  try {
    return new Model({ inputs, outputs, name: typeof config.name === 'string' ? config.name : undefined });
  } catch (e) {
    throw new ModelFileError(`${where}: ${(e as Error).message}`);
  }
}
