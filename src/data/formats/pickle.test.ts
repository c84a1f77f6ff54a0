import { describe, expect, it } from 'vitest';
import { DataFormatError } from '../errors.js';
import { unpickleIntLists } from './pickle.js';
import { fixture, ITEMS, PICKLE } from './test-fixtures.js';

const bytes = (name: string) => fixture(PICKLE, name);
const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const unpickleObjectArray = (b: Uint8Array, path: string) => unpickleIntLists(b, path).toArrays();

describe('unpickleIntLists', () => {
  it('reads the object arrays numpy writes: Python 2 (Keras imdb.npz), numpy 1.x and numpy 2.x', () => {
    for (const name of ['p2', 'p3', 'p4', 'p4np2'])
      expect(unpickleObjectArray(bytes(name), name)).toEqual(ITEMS);
  });

  it('refuses every global but numpy’s array reconstruction, naming it, without calling anything', () => {
    expect(() => unpickleObjectArray(latin1("cos\nsystem\n(S'echo hi'\ntR."), 'evil.pkl')).toThrow(
      /evil.pkl: pickle: refused global 'os.system'/,
    );
    expect(() => unpickleObjectArray(latin1('\x80\x02cbuiltins\neval\n.'), 'e.pkl')).toThrow(
      /refused global 'builtins.eval'/,
    );
    const stackGlobal = latin1('\x80\x04\x8c\x08builtins\x94\x8c\x04exec\x94\x93\x94.');
    expect(() => unpickleObjectArray(stackGlobal, 's.pkl')).toThrow(/refused global 'builtins.exec'/);
  });

  it('refuses opcodes the format does not need, naming them', () => {
    expect(() => unpickleObjectArray(bytes('dict'), 'd.pkl')).toThrow(/refused opcode 0x7d \(EMPTY_DICT\)/);
    expect(() => unpickleObjectArray(latin1('(iposix\nsystem\n.'), 'i.pkl')).toThrow(
      /refused opcode 0x69 \(INST\)/,
    );
    expect(() => unpickleObjectArray(latin1('\x80\x02\x8a\x01\x01.'), 'l.pkl')).toThrow(/0x8a \(LONG1\)/);
    expect(() => unpickleObjectArray(latin1('\x80\x02\xff'), 'u.pkl')).toThrow(/0xff \(unknown\)/);
  });

  it('checks the structure: 1-D, object dtype, lists of ints, one STOP at the end', () => {
    expect(() => unpickleObjectArray(bytes('obj2d'), 'o.pkl')).toThrow(
      /expected a 1-D object array, got shape \(2, 2\)/,
    );
    expect(() => unpickleObjectArray(bytes('float_arr'), 'f.pkl')).toThrow(/array dtype 'f8' is not object/);
    expect(() => unpickleObjectArray(bytes('str_item'), 's.pkl')).toThrow(/item 1 holds a string/);
    expect(() => unpickleObjectArray(latin1('\x80\x02]q\x00.'), 'l.pkl')).toThrow(/not a numpy object array/);
    expect(() => unpickleObjectArray(latin1('\x80\x02].N'), 'l.pkl')).toThrow(/bytes after STOP/);
    expect(() => unpickleObjectArray(latin1('\x80\x02)R'), 'r.pkl')).toThrow(/stack underflow/);
    expect(() => unpickleObjectArray(latin1('\x80\x02N)R.'), 'r.pkl')).toThrow(/REDUCE of None/);
    expect(() => unpickleObjectArray(latin1('\x80\x02h\x05.'), 'g.pkl')).toThrow(/memo slot 5 is unset/);
    const full = bytes('p2');
    expect(() => unpickleObjectArray(full.subarray(0, full.length - 1), 't.pkl')).toThrow(/no STOP/);
    expect(() => unpickleObjectArray(full.subarray(0, 60), 't.pkl')).toThrow(DataFormatError);
  });
});
