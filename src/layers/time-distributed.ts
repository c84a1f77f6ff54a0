import { ShapeError, ValueError } from '../errors.js';
import { reshape, slice, stack } from '../ops/layout.js';
import type { Tensor } from '../tensor/tensor.js';
import { BatchNormalization } from './batch-normalization.js';
import { baseArgsFromConfig, type CallContext, Layer, type LayerArgs, type SymbolicShape } from './layer.js';
import { getKerasMask, setKerasMask } from './rnn/masking.js';

/** [batch, time, ...rest] → the wrapped layer's input shape [batch, ...rest]. */
function childShape(where: string, shape: SymbolicShape): SymbolicShape {
  if (shape.length < 3)
    throw new ShapeError(
      where,
      [shape.map((d) => d ?? -1)],
      'expected inputs [batch, time, ...] (at least 3 dims)',
    );
  return [shape[0] ?? null, ...shape.slice(2)];
}

/**
 * Keras' TimeDistributed: applies one layer, with one set of weights, to every time step of
 * [batch, time, ...] inputs. Steps are folded into the batch ([batch·time, ...], one call), except
 * for BatchNormalization, which Keras 3 runs step by step, so each step's batch statistics are its own.
 * A Keras mask on the input passes through to the output.
 *
 * @example
 * import { TimeDistributed, Dense, tensor } from 'tensile';
 * const td = new TimeDistributed(new Dense(8));
 * console.log(td.apply(tensor(new Float32Array(2 * 10 * 16), [2, 10, 16])).shape, td.countParams()); // [2, 10, 8] 136
 */
export class TimeDistributed extends Layer {
  readonly className = 'TimeDistributed';
  readonly layer: Layer;

  constructor(layer: Layer, args: LayerArgs = {}) {
    super({ ...args, inputShape: args.inputShape ?? layer.inputShapeArg });
    if (!(layer instanceof Layer))
      throw new ValueError(`TimeDistributed: expected a layer to wrap, got ${String(layer)}`);
    if (layer.takesList)
      throw new ValueError(
        `TimeDistributed: ${layer.describe()} takes a list of inputs; wrap a single-input layer`,
      );
    // Their weights nest one level deeper in Keras files, a layout Tensile does not write or read yet.
    if (layer instanceof TimeDistributed || layer.className === 'Bidirectional' || 'layers' in layer)
      throw new ValueError(
        `TimeDistributed: wrapping ${layer.describe()} is not supported yet (wrap a single layer)`,
      );
    this.layer = layer;
  }

  override build(inputShape: SymbolicShape): void {
    const inner = childShape(this.describe(), inputShape);
    if (!this.layer.built) {
      this.layer.weightBackend ??= this.weightBackend;
      this.layer.build(inner);
    }
    // The wrapped layer's weights are this layer's (Keras lists them under the wrapper).
    this.layerWeights.push(...this.layer.weightEntries);
    super.build(inputShape);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const out = this.layer.computeOutputShape(childShape(this.describe(), inputShape));
    return [out[0] ?? null, inputShape[1] ?? null, ...out.slice(1)];
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    childShape(this.describe(), x.shape);
    const [batch, steps] = x.shape as [number, number];
    const rest = x.shape.slice(2);
    let out: Tensor;
    if (this.layer instanceof BatchNormalization && ctx.training) {
      const perStep = Array.from({ length: steps }, (_, t) =>
        this.layer.call(
          reshape(slice(x, [0, t, ...rest.map(() => 0)], [batch, 1, ...rest]), [batch, ...rest]),
          ctx,
        ),
      );
      out = stack(perStep, 1);
    } else {
      const y = this.layer.call(reshape(x, [batch * steps, ...rest]), ctx);
      out = reshape(y, [batch, steps, ...y.shape.slice(1)]);
    }
    const mask = getKerasMask(x);
    if (mask) setKerasMask(out, mask);
    return out;
  }

  /** Rebuilds the layer from its Keras config; `resolve` rebuilds the wrapped layer's config. */
  static fromConfig(
    config: Record<string, unknown>,
    resolve: (className: string, config: Record<string, unknown>) => Layer,
  ): TimeDistributed {
    const entry = config.layer as { class_name?: unknown; config?: unknown } | null | undefined;
    if (!entry || typeof entry.class_name !== 'string' || typeof entry.config !== 'object' || !entry.config)
      throw new ValueError(
        `TimeDistributed '${String(config.name)}': 'layer' must be a serialized layer with class_name and config`,
      );
    const layer = resolve(entry.class_name, entry.config as Record<string, unknown>);
    return new TimeDistributed(layer, baseArgsFromConfig(config));
  }

  override getConfig(): Record<string, unknown> {
    const { batch_input_shape: _, ...inner } = this.layer.getConfig();
    return {
      ...super.getConfig(),
      layer: {
        module: 'keras.layers',
        class_name: this.layer.className,
        config: inner,
        registered_name: null,
      },
    };
  }
}
