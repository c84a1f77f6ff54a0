import { ByteReader, formatError } from './bytes.js';
import { crc32, inflateRaw } from './compression.js';

/** One member of a zip archive, as its central directory describes it. */
export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localOffset: number;
}

const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX32 = 0xffffffff;

/** Finds the end-of-central-directory record: the last signature whose comment ends at end of file. */
function findEocd(r: ByteReader): number {
  const bytes = r.bytes;
  for (let p = bytes.length - 22; p >= 0 && p >= bytes.length - 22 - 0xffff; p--) {
    if (bytes[p] === 0x50 && bytes[p + 1] === 0x4b && bytes[p + 2] === 0x05 && bytes[p + 3] === 0x06) {
      const commentLength = bytes[p + 20]! | (bytes[p + 21]! << 8);
      if (p + 22 + commentLength === bytes.length) return p;
    }
  }
  return r.fail('not a zip archive (no end-of-central-directory record)');
}

/** Reads the zip64 end record (archives past 4 GB or 65535 members), given its locator at eocd - 20. */
function readZip64(
  r: ByteReader,
  eocd: number,
): { count: number; cdSize: number; cdOffset: number; end: number } {
  r.seek(eocd - 12, 'zip64 locator'); // signature and disk number skipped
  const end = r.u64le('zip64 end record offset');
  r.seek(end, 'zip64 end record');
  if (r.u32le('zip64 end record') !== ZIP64_EOCD) r.fail('zip64 end record has a wrong signature');
  r.need(52, 'zip64 end record');
  r.pos += 28;
  const count = r.u64le('zip64 member count');
  const cdSize = r.u64le('zip64 directory size');
  const cdOffset = r.u64le('zip64 directory offset');
  return { count, cdSize, cdOffset, end };
}

/** Sizes saturated at 0xffffffff live in the zip64 extra field (id 1), in this fixed order. */
function applyZip64Extra(
  r: ByteReader,
  extra: Uint8Array,
  fields: { size: number; csize: number; offset: number },
) {
  const x = new ByteReader(extra, r.path);
  while (x.remaining >= 4) {
    const id = x.u16le('extra field id');
    const len = x.u16le('extra field length');
    const body = new ByteReader(x.take(len, 'extra field'), r.path);
    if (id !== 1) continue;
    if (fields.size === MAX32) fields.size = body.u64le('zip64 size');
    if (fields.csize === MAX32) fields.csize = body.u64le('zip64 compressed size');
    if (fields.offset === MAX32) fields.offset = body.u64le('zip64 offset');
  }
}

/**
 * Parses and checks a zip archive's central directory.
 *
 * @example
 * const entries = readZipDirectory(readFileSync('mnist.npz'), 'mnist.npz');
 * [...entries.keys()]; // ['x_test.npy', 'x_train.npy', 'y_train.npy', 'y_test.npy']
 */
export function readZipDirectory(bytes: Uint8Array, path: string): Map<string, ZipEntry> {
  const r = new ByteReader(bytes, path);
  const eocd = findEocd(r);
  r.seek(eocd + 4, 'end record');
  // Multi-disk archives are not supported; a disagreement here means a corrupt record.
  const disks = [r.u16le('disk number'), r.u16le('directory disk'), r.u16le('members on disk')];
  let count = r.u16le('member count');
  let cdSize = r.u32le('directory size');
  let cdOffset = r.u32le('directory offset');
  let cdEnd = eocd;
  // Like Python's zipfile, use the zip64 record whenever its locator precedes the end record.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (eocd >= 20 && view.getUint32(eocd - 20, true) === ZIP64_LOCATOR) {
    ({ count, cdSize, cdOffset, end: cdEnd } = readZip64(r, eocd));
  } else if (disks[0] !== 0 || disks[1] !== 0 || disks[2] !== count) {
    r.fail(`end record describes a multi-disk or inconsistent archive (${disks.join(', ')}, ${count})`);
  }
  // As Python's zipfile assumes, the directory ends where the end record starts.
  if (cdOffset + cdSize !== cdEnd)
    r.fail(`central directory (${cdOffset}+${cdSize}) does not end at ${cdEnd}`);
  // Each directory entry takes at least 46 bytes, which bounds the count a corrupt header can claim.
  if (count * 46 > cdSize) r.fail(`directory of ${cdSize} bytes cannot hold ${count} members`);
  r.seek(cdOffset, 'central directory');
  const entries = new Map<string, ZipEntry>();
  for (let i = 0; i < count; i++) {
    if (r.u32le('directory entry') !== CENTRAL) r.fail(`directory entry ${i} has a wrong signature`);
    r.pos += 4;
    const flags = r.u16le('flags');
    const method = r.u16le('method');
    r.pos += 4;
    const crc = r.u32le('crc');
    const fields = { csize: r.u32le('compressed size'), size: r.u32le('size'), offset: 0 };
    const nameLength = r.u16le('name length');
    const extraLength = r.u16le('extra length');
    const commentLength = r.u16le('comment length');
    r.pos += 8;
    fields.offset = r.u32le('local header offset');
    const rawName = r.take(nameLength, 'member name');
    applyZip64Extra(r, r.take(extraLength, 'extra field'), fields);
    r.take(commentLength, 'member comment');
    const name = new TextDecoder(flags & 0x800 ? 'utf-8' : 'latin1').decode(rawName);
    if (flags & 1) r.fail(`member '${name}' is encrypted`);
    if (method !== 0 && method !== 8)
      r.fail(`member '${name}' uses compression method ${method} (only 0 and 8)`);
    if (entries.has(name)) r.fail(`member '${name}' appears twice`);
    entries.set(name, {
      name,
      method,
      crc,
      compressedSize: fields.csize,
      size: fields.size,
      localOffset: fields.offset,
    });
  }
  // Python's zipfile walks the directory by its byte size, not the count; both must agree here.
  if (r.pos !== cdOffset + cdSize) r.fail(`central directory holds more than its ${count} members`);
  return entries;
}

/**
 * Extracts one member, checking its local header, sizes and CRC-32.
 *
 * @example
 * const entries = readZipDirectory(bytes, 'a.npz');
 * const npy = readZipEntry(bytes, entries.get('x.npy')!, 'a.npz');
 */
export function readZipEntry(bytes: Uint8Array, entry: ZipEntry, path: string): Uint8Array {
  const where = `${path}[${entry.name}]`;
  const r = new ByteReader(bytes, where);
  r.seek(entry.localOffset, 'local header');
  if (r.u32le('local header') !== LOCAL) r.fail('local header has a wrong signature');
  r.pos += 22;
  const nameLength = r.u16le('local name length');
  const extraLength = r.u16le('local extra length');
  r.take(nameLength + extraLength, 'local name and extra field');
  const raw = r.take(entry.compressedSize, 'member data');
  let data: Uint8Array;
  if (entry.method === 0) {
    if (entry.size !== entry.compressedSize)
      r.fail(`stored member: size ${entry.size} ≠ ${entry.compressedSize}`);
    data = raw;
  } else data = inflateRaw(raw, entry.size, where);
  if (crc32(data) !== entry.crc) throw formatError(where, 'CRC-32 mismatch (corrupt data)');
  return data;
}
