/**
 * Rewrites the kernels' WebAssembly binary so that it imports a shared memory (`env.memory`, flagged
 * shared, with a maximum) instead of defining its own. Why a rewrite and not a second build: the
 * kernels use no atomics (threads wait from JS, with Atomics on the same SharedArrayBuffer), so the
 * memory's declaration is the only difference, and rewriting it at run time keeps one build, one
 * generated module, and every kernel (including ones added later) available to the thread pool.
 *
 * Binary format (WebAssembly core spec, "Modules / Binary Format"): an 8-byte header, then sections
 * `id:u8 size:u32leb body`. The memory section (id 5) holds `vec(limits)`; an import is
 * `module:name field:name 0x02 limits`, where limits flag 0x03 means "min, max, shared". Imported
 * memories come first in the memory index space, so memory 0 stays memory 0 and nothing else moves.
 */

interface Section {
  readonly id: number;
  readonly body: Uint8Array;
}

const IMPORT = 2;
const MEMORY = 5;
const CUSTOM = 0;

function readU32(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++]!;
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [value, at];
    shift += 7;
  }
}

function u32(value: number): number[] {
  const out: number[] = [];
  do {
    let b = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) b |= 0x80;
    out.push(b);
  } while (value > 0);
  return out;
}

const name = (s: string): number[] => {
  const utf8 = [...new TextEncoder().encode(s)];
  return [...u32(utf8.length), ...utf8];
};

function parse(bytes: Uint8Array): Section[] | null {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d)
    return null;
  const sections: Section[] = [];
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at]!;
    const [size, start] = readU32(bytes, at + 1);
    sections.push({ id, body: bytes.subarray(start, start + size) });
    at = start + size;
  }
  return at === bytes.length ? sections : null;
}

/**
 * The module with its one defined memory turned into an import of a shared memory of at most
 * `maxPages` pages, and the memory's minimum size in pages; null when the module has no memory of
 * its own (or several), so the caller stays single-threaded.
 */
export function withSharedMemory(
  bytes: Uint8Array,
  maxPages: number,
): { bytes: Uint8Array; minPages: number } | null {
  const sections = parse(bytes);
  const memoryAt = sections?.findIndex((s) => s.id === MEMORY) ?? -1;
  if (!sections || memoryAt < 0) return null;
  const memory = sections[memoryAt]!.body;
  const [count, limitsAt] = readU32(memory, 0);
  if (count !== 1 || (memory[limitsAt]! & 2) !== 0) return null;
  const [minPages] = readU32(memory, limitsAt + 1);
  const entry = [...name('env'), ...name('memory'), 0x02, 0x03, ...u32(minPages), ...u32(maxPages)];

  const out = sections.filter((_, i) => i !== memoryAt);
  const importAt = out.findIndex((s) => s.id === IMPORT);
  if (importAt >= 0) {
    const [n, rest] = readU32(out[importAt]!.body, 0);
    const body = [...u32(n + 1), ...out[importAt]!.body.subarray(rest), ...entry];
    out[importAt] = { id: IMPORT, body: Uint8Array.from(body) };
  } else {
    // Sections are ordered by id (custom ones anywhere): imports go before the first id above 2.
    const before = out.findIndex((s) => s.id !== CUSTOM && s.id > IMPORT);
    out.splice(before < 0 ? out.length : before, 0, { id: IMPORT, body: Uint8Array.from([1, ...entry]) });
  }
  const chunks = out.flatMap((s) => [Uint8Array.from([s.id, ...u32(s.body.length)]), s.body]);
  const result = new Uint8Array(8 + chunks.reduce((n, c) => n + c.length, 0));
  result.set(bytes.subarray(0, 8));
  let at = 8;
  for (const c of chunks) {
    result.set(c, at);
    at += c.length;
  }
  return { bytes: result, minPages };
}
