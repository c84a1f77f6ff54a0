import type {
  Backend,
  RnnSequenceArgs,
  RnnSequenceBackwardInputs,
  RnnSequenceGrads,
  RnnSequenceResult,
  TensorInfo,
} from '../../backend/backend.js';
import { tsBackend } from '../ts/index.js';
import type { Heap } from './heap.js';

/**
 * Interim fused recurrent kernels: the reference (ts) sequence kernels run on copies of the wasm
 * storages, and their results are copied back. Why: the whole sequence still costs one call and one
 * tape node (the composed cell loop is hundreds of small ops per sequence), and the results are the
 * reference's by construction. The native wasm LSTM/GRU/SimpleRNN kernels replace these one by one;
 * the copies cost O(sequence size), small next to the recurrence itself.
 */
type Fused = Required<
  Pick<
    Backend,
    | 'lstmSequence'
    | 'lstmSequenceBackward'
    | 'gruSequence'
    | 'gruSequenceBackward'
    | 'simpleRnnSequence'
    | 'simpleRnnSequenceBackward'
  >
>;

export function bridgedRnnKernels(heap: () => Heap): Fused {
  const ref = tsBackend as Fused;
  /** A ts-backend copy of a wasm tensor (null stays null). */
  const toTs = <T extends TensorInfo | null>(x: T): T =>
    (x === null ? null : { data: heap().view(x).slice(), shape: x.shape, dtype: x.dtype }) as T;
  const toWasm = (data: unknown): number => heap().upload(data as Float32Array);
  const args = <A extends RnnSequenceArgs>(a: A): A => ({
    ...a,
    x: toTs(a.x),
    kernel: toTs(a.kernel),
    recurrentKernel: toTs(a.recurrentKernel),
    bias: toTs(a.bias),
    mask: toTs(a.mask),
    inputDropout: toTs(a.inputDropout),
    recurrentDropout: toTs(a.recurrentDropout),
  });
  const grads = (g: RnnSequenceBackwardInputs): RnnSequenceBackwardInputs => ({
    y: toTs(g.y),
    workspace: toTs(g.workspace),
    dy: toTs(g.dy),
    dh: toTs(g.dh),
    dc: toTs(g.dc),
  });
  const result = (r: RnnSequenceResult): RnnSequenceResult => ({
    y: toWasm(r.y),
    h: toWasm(r.h),
    c: r.c === null ? null : toWasm(r.c),
    workspace: r.workspace === null ? null : toWasm(r.workspace),
  });
  const gradsBack = (r: RnnSequenceGrads): RnnSequenceGrads => ({
    dx: toWasm(r.dx),
    dKernel: toWasm(r.dKernel),
    dRecurrentKernel: toWasm(r.dRecurrentKernel),
    dBias: r.dBias === null ? null : toWasm(r.dBias),
  });
  return {
    lstmSequence: (a) => result(ref.lstmSequence(args(a))),
    lstmSequenceBackward: (a, g) => gradsBack(ref.lstmSequenceBackward(args(a), grads(g))),
    gruSequence: (a) => result(ref.gruSequence(args(a))),
    gruSequenceBackward: (a, g) => gradsBack(ref.gruSequenceBackward(args(a), grads(g))),
    simpleRnnSequence: (a) => result(ref.simpleRnnSequence(args(a))),
    simpleRnnSequenceBackward: (a, g) => gradsBack(ref.simpleRnnSequenceBackward(args(a), grads(g))),
  };
}
