import { ByteReader, formatError } from './bytes.js';
import { crc32, inflateRaw } from './compression.js';

/** One member of a zip archive, as its central directory describes it. */
export interface ZipEntry {
  readonly name: string;
  /** The name as stored (the local header must repeat these bytes). */
  readonly nameBytes: Uint8Array;
  /** General-purpose flags (bit 3: sizes and CRC follow the data in a data descriptor). */
  readonly flags: number;
  readonly method: number;
  /** DOS time and date, as one number (time in the low 16 bits); the local header must repeat it. */
  readonly modified: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localOffset: number;
}

const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const DESCRIPTOR = 0x08074b50;
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
    r.pos += 4; // version made by, version needed (neither changes how the data reads)
    const flags = r.u16le('flags');
    const method = r.u16le('method');
    const modified = r.u32le('modification time');
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
      nameBytes: rawName,
      flags,
      method,
      modified,
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

/** Reads the local header at `entry.localOffset` and checks that it repeats the directory entry. */
function checkLocalHeader(r: ByteReader, entry: ZipEntry): void {
  r.seek(entry.localOffset, 'local header');
  if (r.u32le('local header') !== LOCAL) r.fail('local header has a wrong signature');
  r.pos += 2; // version needed
  const flags = r.u16le('local flags');
  const method = r.u16le('local method');
  const modified = r.u32le('local modification time');
  const local = { crc: r.u32le('local crc'), csize: r.u32le('local compressed size') };
  const fields = { size: r.u32le('local size'), csize: local.csize, offset: 0 };
  const nameLength = r.u16le('local name length');
  const extraLength = r.u16le('local extra length');
  const name = r.take(nameLength, 'local name');
  applyZip64Extra(r, r.take(extraLength, 'local extra field'), fields);
  const differs = (what: string, a: number | string, b: number | string) => {
    if (a !== b) r.fail(`local header and central directory disagree on the ${what} (${a} ≠ ${b})`);
  };
  differs('flags', flags, entry.flags);
  differs('compression method', method, entry.method);
  differs('modification time', modified, entry.modified);
  if (name.length !== entry.nameBytes.length || name.some((b, i) => b !== entry.nameBytes[i])) {
    r.fail('local header and central directory disagree on the member name');
  }
  // With a data descriptor (flag bit 3) the local header may leave these as zero.
  if ((flags & 8) === 0 || local.crc !== 0 || fields.csize !== 0 || fields.size !== 0) {
    differs('CRC-32', local.crc, entry.crc);
    differs('compressed size', fields.csize, entry.compressedSize);
    differs('size', fields.size, entry.size);
  }
}

/** Checks the data descriptor that follows the data when flag bit 3 is set (its signature is optional). */
function checkDescriptor(r: ByteReader, entry: ZipEntry): void {
  if ((entry.flags & 8) === 0) return;
  if (
    r.remaining >= 4 &&
    new DataView(r.bytes.buffer, r.bytes.byteOffset).getUint32(r.pos, true) === DESCRIPTOR
  )
    r.pos += 4;
  const crc = r.u32le('data descriptor crc');
  const wide = entry.compressedSize >= MAX32 || entry.size >= MAX32;
  const csize = wide
    ? r.u64le('data descriptor compressed size')
    : r.u32le('data descriptor compressed size');
  const size = wide ? r.u64le('data descriptor size') : r.u32le('data descriptor size');
  if (crc !== entry.crc || csize !== entry.compressedSize || size !== entry.size) {
    r.fail('data descriptor and central directory disagree on the CRC-32 or sizes');
  }
}

/**
 * Extracts one member, checking that its local header (and data descriptor) repeats the central
 * directory, that the sizes hold, and that the data's CRC-32 is the recorded one. Decompression is
 * bounded by the declared size, so a lying header cannot make us allocate more.
 *
 * @example
 * const entries = readZipDirectory(bytes, 'a.npz');
 * const npy = readZipEntry(bytes, entries.get('x.npy')!, 'a.npz');
 */
export function readZipEntry(bytes: Uint8Array, entry: ZipEntry, path: string): Uint8Array {
  const where = `${path}[${entry.name}]`;
  const r = new ByteReader(bytes, where);
  checkLocalHeader(r, entry);
  const raw = r.take(entry.compressedSize, 'member data');
  checkDescriptor(r, entry);
  let data: Uint8Array;
  if (entry.method === 0) {
    if (entry.size !== entry.compressedSize)
      r.fail(`stored member: size ${entry.size} ≠ ${entry.compressedSize}`);
    data = raw;
  } else data = inflateRaw(raw, entry.size, where);
  if (crc32(data) !== entry.crc) throw formatError(where, 'CRC-32 mismatch (corrupt data)');
  return data;
}
