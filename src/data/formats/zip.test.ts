import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DataFormatError } from '../errors.js';
import { crc32 } from './compression.js';
import { readZipDirectory, readZipEntry } from './zip.js';

// A two-member archive as fflate writes it (stored): local header at 0, data at 30 + name length.
const archive = () => zipSync({ 'a.txt': strToU8('hello zip'), 'b.txt': strToU8('second') }, { level: 0 });
const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
/** Offset of the central directory entry of the first member (signature 0x02014b50). */
const central = (b: Uint8Array) => b.findIndex((_, i) => view(b).getUint32(i, true) === 0x02014b50);

function read(bytes: Uint8Array, name: string): Uint8Array {
  const entries = readZipDirectory(bytes, 'x.zip');
  return readZipEntry(bytes, entries.get(name)!, 'x.zip');
}

describe('zip members are checked against their local headers and CRC-32', () => {
  it('reads intact members', () => {
    expect(new TextDecoder().decode(read(archive(), 'a.txt'))).toBe('hello zip');
  });

  it('changed data: CRC-32 mismatch', () => {
    const b = archive();
    b[30 + 5] ^= 0x20; // 'h' → 'H'
    expect(() => read(b, 'a.txt')).toThrow(
      new DataFormatError('x.zip[a.txt]', 'CRC-32 mismatch (corrupt data)'),
    );
  });

  it('changed data with the directory CRC forged to match: the local header disagrees', () => {
    const b = archive();
    b[30 + 5] ^= 0x20;
    view(b).setUint32(central(b) + 16, crc32(strToU8('Hello zip')), true);
    expect(() => read(b, 'a.txt')).toThrow(
      /x\.zip\[a\.txt\]: local header and central directory disagree on the CRC-32/,
    );
  });

  it('a renamed directory entry or a changed size is refused', () => {
    const renamed = archive();
    renamed[central(renamed) + 46] = 'c'.charCodeAt(0); // directory says c.txt, local header a.txt
    expect(() => read(renamed, 'c.txt')).toThrow(/disagree on the member name/);
    const resized = archive();
    view(resized).setUint32(central(resized) + 24, 8, true); // uncompressed size 9 → 8
    expect(() => read(resized, 'a.txt')).toThrow(/disagree on the size \(9 ≠ 8\)/);
  });
});
