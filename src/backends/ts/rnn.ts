import type { Backend } from '../../backend/backend.js';
import type { Alloc } from './rnn-common.js';
import { gruBackward, gruForward } from './rnn-gru.js';
import { lstmBackward, lstmForward } from './rnn-lstm.js';
import { simpleRnnBackward, simpleRnnForward } from './rnn-simple.js';

/** The fused recurrent-sequence methods of the ts backend (forward and BPTT for each cell type). */
export type RnnKernels = Required<
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

/**
 * The reference fused sequence kernels, allocating with the backend's `alloc` (float32 or float64).
 *
 * @example
 * // In createTsBackend: return { ...primitives, ...rnnKernels(alloc) };
 */
export function rnnKernels(alloc: Alloc): RnnKernels {
  return {
    lstmSequence: (args) => lstmForward(args, alloc),
    lstmSequenceBackward: (args, grads) => lstmBackward(args, grads, alloc),
    gruSequence: (args) => gruForward(args, alloc),
    gruSequenceBackward: (args, grads) => gruBackward(args, grads, alloc),
    simpleRnnSequence: (args) => simpleRnnForward(args, alloc),
    simpleRnnSequenceBackward: (args, grads) => simpleRnnBackward(args, grads, alloc),
  };
}
