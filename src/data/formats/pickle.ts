import { formatError } from './bytes.js';
import { IntArena, IntLists } from './int-lists.js';

/**
 * A restricted unpickler for exactly one thing: a numpy object array whose items are lists of ints,
 * as Keras' imdb.npz stores them (pickle protocol 2, written by Python 2), or as numpy writes them
 * today (protocol 3 with numpy 1.x, protocol 4 with numpy 2.x). It is a data parser, not Python: it
 * knows a few opcodes, calls nothing, and only recognizes numpy's array reconstruction globals as
 * tags. Any other opcode or global is refused with an error that names it.
 */

/** The only globals accepted. They are never called: REDUCE/BUILD on them fill in plain records. */
const GLOBALS = new Set([
  'numpy.core.multiarray._reconstruct',
  'numpy._core.multiarray._reconstruct',
  'numpy.ndarray',
  'numpy.dtype',
]);

/** Opcode names, so a refusal can say what it refused (the full pickle opcode table). */
const NAMES: Record<number, string> = Object.fromEntries(
  (
    '(MARK .STOP 0POP 1POP_MARK 2DUP FFLOAT IINT JBININT KBININT1 LLONG MBININT2 NNONE PPERSID ' +
    'QBINPERSID RREDUCE SSTRING TBINSTRING USHORT_BINSTRING VUNICODE XBINUNICODE aAPPEND bBUILD ' +
    'cGLOBAL dDICT }EMPTY_DICT eAPPENDS gGET hBINGET iINST jLONG_BINGET lLIST ]EMPTY_LIST oOBJ pPUT ' +
    'qBINPUT rLONG_BINPUT sSETITEM tTUPLE )EMPTY_TUPLE uSETITEMS GBINFLOAT BBINBYTES CSHORT_BINBYTES'
  )
    .split(' ')
    .map((s) => [s.charCodeAt(0), s.slice(1)])
    .concat(
      'PROTO NEWOBJ EXT1 EXT2 EXT4 TUPLE1 TUPLE2 TUPLE3 NEWTRUE NEWFALSE LONG1 LONG4'
        .split(' ')
        .map((s, i) => [0x80 + i, s]),
      'SHORT_BINUNICODE BINUNICODE8 BINBYTES8 EMPTY_SET ADDITEMS FROZENSET NEWOBJ_EX STACK_GLOBAL MEMOIZE FRAME BYTEARRAY8 NEXT_BUFFER READONLY_BUFFER'
        .split(' ')
        .map((s, i) => [0x8c + i, s]),
    ),
);

class Tuple {
  constructor(readonly items: unknown[]) {}
}
/**
 * A Python list: while it holds only ints they are the range [start, end) of the unpickle's IntArena
 * (4 bytes each, no JS array per list); the first item of another kind turns it into `objects`.
 */
class PyList {
  objects: unknown[] | null = null;
  start = -1;
  end = -1;
  get size(): number {
    return this.objects ? this.objects.length : Math.max(0, this.end - this.start);
  }
}
class Global {
  constructor(readonly name: string) {}
}
/** What `_reconstruct(ndarray, (0,), b'b')` stands for; BUILD then sets its state. */
class ArrayStub {
  shape: number[] | null = null;
  list: PyList | null = null;
}
class DTypeStub {
  constructor(readonly code: string) {}
}

function describe(v: unknown): string {
  if (v instanceof Global) return `global ${v.name}`;
  if (v instanceof Tuple) return 'tuple';
  if (v instanceof PyList) return 'list';
  return v === null ? 'None' : typeof v;
}

/**
 * Decodes the pickle of a 1-D numpy object array of int lists into packed int32 lists (`toArrays()`
 * gives `number[][]`): for IMDB's reviews a quarter of the memory of number[][], and no JS array per
 * list is ever made on the way.
 *
 * @example
 * const reviews = unpickleIntLists(pickleBytes, 'imdb.npz[x_train.npy]');
 * console.log(reviews.length, reviews.item(0).slice(0, 5));
 */
export function unpickleIntLists(bytes: Uint8Array, path: string): IntLists {
  const n = bytes.length;
  const arena = new IntArena();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // An explicit stack pointer: truncating a JS array after every APPENDS reallocates it, and that
  // alone doubled the time to read imdb.npz.
  const stack: unknown[] = [];
  let sp = 0;
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  let pos = 0;
  let at = 0; // where the current opcode starts, for error messages
  let op = 0;
  const fail = (what: string): never => {
    throw formatError(path, `pickle: ${what} (opcode at byte ${at})`);
  };
  /** The stack bottom visible to the current opcode: nothing below the last MARK (as in CPython). */
  const fence = (): number => marks[marks.length - 1] ?? 0;
  const need = (k: number): void => {
    if (pos + k > n) fail(`truncated: ${NAMES[op] ?? 'opcode'} needs ${k} more bytes`);
  };
  const push = (v: unknown): void => {
    stack[sp++] = v;
  };
  const pop = (): unknown => (sp > fence() ? stack[--sp] : fail('stack underflow'));
  const popMark = (): unknown[] => {
    const m = marks.pop() ?? fail('no MARK to pop');
    const items = stack.slice(m, sp);
    sp = m;
    return items;
  };
  const text = (k: number, encoding: 'latin1' | 'utf-8'): string => {
    need(k);
    const s = new TextDecoder(encoding).decode(bytes.subarray(pos, pos + k));
    pos += k;
    return s;
  };
  const line = (): string => {
    const length = bytes.subarray(pos, pos + 257).indexOf(0x0a);
    if (length < 0) fail('GLOBAL name is not a short line');
    const s = text(length, 'latin1');
    pos++; // the newline
    return s;
  };
  const global = (name: string): Global =>
    GLOBALS.has(name) ? new Global(name) : fail(`refused global '${name}'`);
  const top = (what: string): unknown => (sp > fence() ? stack[sp - 1] : fail(`${what} on an empty stack`));
  const recall = (key: number): unknown =>
    memo.has(key) ? memo.get(key) : fail(`memo slot ${key} is unset`);
  const listTop = (): PyList => {
    const last = top('APPEND');
    return last instanceof PyList ? last : fail(`APPEND to a ${describe(last)}`);
  };
  /** Appends src[from..to) to the list: into the arena while everything is an int (all BININTs are). */
  const append = (list: PyList, src: readonly unknown[], from: number, to: number): void => {
    if (list.objects === null) {
      let ints = true;
      for (let i = from; i < to && ints; i++) ints = typeof src[i] === 'number';
      if (ints) {
        [list.start, list.end] = arena.append(list.start, list.end, src, from, to);
        return;
      }
      list.objects = list.start < 0 ? [] : Array.from(arena.buf.subarray(list.start, list.end));
    }
    for (let i = from; i < to; i++) list.objects.push(src[i]);
  };

  while (pos < n) {
    at = pos;
    op = bytes[pos++]!;
    switch (op) {
      case 0x4b: // BININT1: the hot path (most word ranks), kept first
        need(1);
        push(bytes[pos++]);
        break;
      case 0x4d: // BININT2
        need(2);
        push(bytes[pos]! | (bytes[pos + 1]! << 8));
        pos += 2;
        break;
      case 0x4a: // BININT
        need(4);
        push(view.getInt32(pos, true));
        pos += 4;
        break;
      case 0x65: {
        // APPENDS: items above the mark go into the list just below it
        const m = marks.pop() ?? fail('APPENDS without MARK');
        const list = m > fence() ? stack[m - 1] : undefined;
        if (!(list instanceof PyList)) return fail(`APPENDS to a ${describe(list)}`);
        append(list, stack, m, sp);
        sp = m;
        break;
      }
      case 0x28: // MARK
        marks.push(sp);
        break;
      case 0x5d: // EMPTY_LIST
        push(new PyList());
        break;
      case 0x61: {
        // APPEND
        pop();
        append(listTop(), stack, sp, sp + 1); // the popped item is still in its slot
        break;
      }
      case 0x71: // BINPUT
        need(1);
        memo.set(bytes[pos++]!, top('BINPUT'));
        break;
      case 0x72: // LONG_BINPUT
        need(4);
        memo.set(view.getUint32(pos, true), top('LONG_BINPUT'));
        pos += 4;
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top('MEMOIZE'));
        break;
      case 0x68: // BINGET
        need(1);
        push(recall(bytes[pos++]!));
        break;
      case 0x6a: // LONG_BINGET
        need(4);
        push(recall(view.getUint32(pos, true)));
        pos += 4;
        break;
      case 0x80: // PROTO
        need(1);
        if (bytes[pos]! < 2 || bytes[pos]! > 5) fail(`unsupported protocol ${bytes[pos]}`);
        pos++;
        break;
      case 0x95: // FRAME: a length prefix for buffering; nothing to do when all bytes are in memory
        need(8);
        pos += 8;
        break;
      case 0x63: // GLOBAL "module\nname\n"
        push(global(`${line()}.${line()}`));
        break;
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const mod = pop();
        if (typeof mod !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings');
        push(global(`${mod}.${name}`));
        break;
      }
      case 0x55: // SHORT_BINSTRING (a Python 2 str)
        need(1);
        push(text(bytes[pos++]!, 'latin1'));
        break;
      case 0x8c: // SHORT_BINUNICODE
        need(1);
        push(text(bytes[pos++]!, 'utf-8'));
        break;
      case 0x58: {
        // BINUNICODE
        need(4);
        const k = view.getUint32(pos, true);
        pos += 4;
        push(text(k, 'utf-8'));
        break;
      }
      case 0x43: // SHORT_BINBYTES (only ever _reconstruct's b'b' typecode, which is ignored)
        need(1);
        push(text(bytes[pos++]!, 'latin1'));
        break;
      case 0x4e: // NONE
        push(null);
        break;
      case 0x88: // NEWTRUE
      case 0x89: // NEWFALSE
        push(op === 0x88);
        break;
      case 0x29: // EMPTY_TUPLE
        push(new Tuple([]));
        break;
      case 0x85: // TUPLE1
      case 0x86: // TUPLE2
      case 0x87: {
        // TUPLE3
        const items = [];
        for (let k = op - 0x84; k > 0; k--) items.unshift(pop());
        push(new Tuple(items));
        break;
      }
      case 0x74: // TUPLE
        push(new Tuple(popMark()));
        break;
      case 0x52: {
        // REDUCE: only the two reconstruction calls numpy emits; both build records
        const args = pop();
        const fn = pop();
        push(reduce(fn, args, fail));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        build(top('BUILD'), state, fail);
        break;
      }
      case 0x2e: // STOP
        return finish(pop(), pos === n, arena, fail);
      default:
        fail(`refused opcode 0x${op.toString(16).padStart(2, '0')} (${NAMES[op] ?? 'unknown'})`);
    }
  }
  return fail('truncated: no STOP opcode');
}

function reduce(fn: unknown, args: unknown, fail: (w: string) => never): unknown {
  if (!(fn instanceof Global) || !(args instanceof Tuple)) return fail(`REDUCE of ${describe(fn)}`);
  const a = args.items;
  if (fn.name.endsWith('._reconstruct')) {
    if (a.length !== 3 || !(a[0] instanceof Global) || a[0].name !== 'numpy.ndarray') {
      fail('_reconstruct must be called on numpy.ndarray');
    }
    return new ArrayStub();
  }
  if (fn.name === 'numpy.dtype' && typeof a[0] === 'string') return new DTypeStub(a[0]);
  return fail(`REDUCE of global ${fn.name}`);
}

function build(target: unknown, state: unknown, fail: (w: string) => never): void {
  if (!(state instanceof Tuple)) fail('BUILD state must be a tuple');
  const s = (state as Tuple).items;
  if (target instanceof DTypeStub) return; // byte order and flags; meaningless for object items
  if (!(target instanceof ArrayStub)) return void fail(`BUILD on a ${describe(target)}`);
  // ndarray.__setstate__((version, shape, dtype, is_fortran, data))
  const [, shape, dtype, , items] = s;
  if (s.length !== 5 || !(shape instanceof Tuple) || !(dtype instanceof DTypeStub)) {
    fail('array state is not (version, shape, dtype, fortran, data)');
  }
  const code = (dtype as DTypeStub).code;
  if (!/^O\d*$/.test(code)) fail(`array dtype '${code}' is not object`);
  const list = items instanceof PyList ? items : fail('object array data is not a list');
  const dims = (shape as Tuple).items;
  const count = list.size;
  if (dims.length !== 1 || dims[0] !== count) {
    fail(`expected a 1-D object array, got shape (${dims.join(', ')}) with ${count} items`);
  }
  target.shape = dims as number[];
  target.list = list;
}

function finish(result: unknown, atEnd: boolean, arena: IntArena, fail: (w: string) => never): IntLists {
  if (!atEnd) fail('bytes after STOP');
  if (!(result instanceof ArrayStub) || result.list === null)
    return fail('result is not a numpy object array');
  const outer = result.list;
  const items =
    outer.objects ?? Array.from(arena.buf.subarray(outer.start, Math.max(outer.start, outer.end)));
  const offsets = new Int32Array(items.length + 1);
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (!(item instanceof PyList)) return fail(`item ${i} is a ${describe(item)}, expected a list of ints`);
    if (item.objects) {
      const odd = item.objects.find((v) => typeof v !== 'number');
      fail(`item ${i} holds a ${describe(odd)}`);
    }
    offsets[i + 1] = offsets[i]! + item.size;
  }
  const values = new Int32Array(offsets[items.length]!);
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as PyList;
    if (item.size > 0) values.set(arena.buf.subarray(item.start, item.end), offsets[i]!);
  }
  return new IntLists(values, offsets);
}
