import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DataFormatError, DownloadError } from '../errors.js';
import { makeIdx } from '../formats/test-fixtures.js';
import * as fashionMnist from './fashion-mnist.js';
import { checkDigest, type KnownFile, obtainFiles } from './files.js';
import * as imdb from './imdb.js';
import * as mnist from './mnist.js';

const shared = resolve(process.env.TENSILE_DATA_DIR ?? '../shared/data');
const root = mkdtempSync(join(tmpdir(), 'tensile-files-'));
const dir = (...parts: string[]) => {
  const d = join(root, ...parts);
  mkdirSync(d, { recursive: true });
  return d;
};
const sha = (s: string | Uint8Array) => createHash('sha256').update(s).digest('hex');
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('resolution order', () => {
  const spec: KnownFile = { name: 'a.bin', sha256: sha('x') };
  const read = async (opts: object) => {
    const [f] = await obtainFiles('ds', [[spec]], [spec], { download: false, ...opts });
    return Buffer.from(f!.bytes).toString();
  };

  it('dataDir/<name>/, dataDir/, TENSILE_DATA_DIR/<name>/, TENSILE_DATA_DIR/, then the cache', async () => {
    const [data, env, cache] = [dir('order', 'data'), dir('order', 'env'), dir('order', 'cache')];
    vi.stubEnv('TENSILE_DATA_DIR', env);
    const places: [string, string][] = [
      [join(dir('order', 'data', 'ds'), 'a.bin'), 'data/ds'],
      [join(data, 'a.bin'), 'data'],
      [join(dir('order', 'env', 'ds'), 'a.bin'), 'env/ds'],
      [join(env, 'a.bin'), 'env'],
      [join(dir('order', 'cache', 'ds'), 'a.bin'), 'cache/ds'],
    ];
    for (const [path, label] of places) writeFileSync(path, label);
    for (const [path, label] of places) {
      expect(await read({ dataDir: data, cacheDir: cache })).toBe(label);
      rmSync(path);
    }
    const failure = read({ dataDir: data, cacheDir: cache });
    await expect(failure).rejects.toThrow(DownloadError);
    await expect(failure).rejects.toThrow(
      /a.bin not found \(looked in .*order\/data\/ds, .*order\/cache\/ds\) and downloading is disabled/,
    );
  });

  it('a complete alternative in an earlier directory beats a preferred one further down', async () => {
    const [first, second] = [dir('alt', 'first'), dir('alt', 'second')];
    const one: KnownFile = { name: 'one.bin', sha256: '' };
    const twoA: KnownFile = { name: 'two-a.bin', sha256: '' };
    const twoB: KnownFile = { name: 'two-b.bin', sha256: '' };
    writeFileSync(join(first, 'two-a.bin'), 'incomplete set');
    writeFileSync(join(first, 'one.bin'), 'first/one');
    for (const f of ['two-a.bin', 'two-b.bin']) writeFileSync(join(second, f), 'second');
    vi.stubEnv('TENSILE_DATA_DIR', second);
    const found = await obtainFiles('none', [[twoA, twoB], [one]], [one], {
      dataDir: first,
      download: false,
    });
    expect(found.map((f) => f.path)).toEqual([join(first, 'one.bin')]);
  });

  it('warns once per file when a loaded file is not the published one', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const file = { spec: { name: 'w.bin', sha256: sha('published') }, path: join(root, 'w.bin') };
    checkDigest({ ...file, bytes: new TextEncoder().encode('published') });
    expect(warn).not.toHaveBeenCalled();
    checkDigest({ ...file, bytes: new TextEncoder().encode('other') });
    checkDigest({ ...file, bytes: new TextEncoder().encode('other') });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/w.bin has SHA-256 .* not the published .*loaded anyway/);
  });
});

describe('user-supplied files', () => {
  const write = (d: string, name: string, bytes: Uint8Array) => writeFileSync(join(d, name), gzipSync(bytes));
  const tiny = (d: string, labels: number[]) => {
    const px = Array.from({ length: 2 * 784 }, (_, i) => i % 256);
    write(d, 'train-images-idx3-ubyte.gz', makeIdx(0x08, [2, 28, 28], px));
    write(d, 'train-labels-idx1-ubyte.gz', makeIdx(0x08, [labels.length], labels));
    write(d, 't10k-images-idx3-ubyte.gz', makeIdx(0x08, [2, 28, 28], px));
    write(d, 't10k-labels-idx1-ubyte.gz', makeIdx(0x08, [2], [3, 4]));
  };

  it('loads a structurally valid set with other checksums, warning once per file', async () => {
    const d = dir('user', 'fashion-mnist');
    tiny(d, [1, 2]);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const [[x, y], [, yTest]] = await fashionMnist.loadData({ dataDir: join(root, 'user') });
    expect([x.shape, Array.from(y.dataSync()), Array.from(yTest.dataSync())]).toEqual([
      [2, 28, 28],
      [1, 2],
      [3, 4],
    ]);
    await fashionMnist.loadData({ dataDir: join(root, 'user') });
    expect(warn).toHaveBeenCalledTimes(4);
  });

  it('rejects a set that does not fit together, naming the files', async () => {
    const d = dir('broken');
    tiny(d, [1, 2, 3]);
    await expect(fashionMnist.loadData({ dataDir: d })).rejects.toThrow(DataFormatError);
    await expect(fashionMnist.loadData({ dataDir: d })).rejects.toThrow(
      /train-labels-idx1-ubyte.gz: labels must be uint8 \[2\]/,
    );
    tiny(d, [1, 12]);
    await expect(fashionMnist.loadData({ dataDir: d })).rejects.toThrow(
      /label 12 at index 1 is not a class 0..9/,
    );
  });
});

describe('download into the cache from a mirror (local HTTP server)', () => {
  // A flat mirror like Keras' bucket, serving the shared data folder. /bad/ serves altered bytes.
  const FLAT: Record<string, string> = {
    'mnist.npz': 'mnist/mnist.npz',
    'imdb.npz': 'imdb/imdb.npz',
    'imdb_word_index.json': 'imdb/imdb_word_index.json',
  };
  let server: Server;
  let base: string;
  const requests: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url!);
      const [, kind, name] = req.url!.split('/');
      const rel = FLAT[name!];
      if (rel === undefined || kind === 'missing') return void res.writeHead(404).end();
      const body = readFileSync(join(shared, rel));
      if (kind === 'bad') body[100] ^= 1;
      res.writeHead(200, { 'content-length': body.length }).end(body);
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  it('downloads, checks the SHA-256, renames into the cache, and uses the cache next time', async () => {
    vi.stubEnv('TENSILE_DATA_DIR', '');
    const cacheDir = dir('dl', 'cache');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const index = await imdb.getWordIndex({ cacheDir, baseUrl: `${base}/mirror/` });
    expect(index.get('the')).toBe(1);
    expect(readdirSync(join(cacheDir, 'imdb'))).toEqual(['imdb_word_index.json']);
    const before = requests.length;
    await imdb.getWordIndex({ cacheDir, baseUrl: `${base}/mirror/` });
    expect(requests.length).toBe(before);
    expect(warn).not.toHaveBeenCalled();
  });

  it('takes the mirror from TENSILE_DATASETS_URL and accepts the known rebuilt mnist.npz', async () => {
    vi.stubEnv('TENSILE_DATA_DIR', '');
    vi.stubEnv('TENSILE_DATASETS_URL', `${base}/mirror`);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const cacheDir = dir('dl', 'env-cache');
    const [[x]] = await mnist.loadData({ cacheDir });
    expect(x.shape).toEqual([60000, 28, 28]);
    expect(requests.at(-1)).toBe('/mirror/mnist.npz');
    expect(readdirSync(join(cacheDir, 'mnist'))).toEqual(['mnist.npz']);
    expect(warn).not.toHaveBeenCalled();
  });

  it('discards a download whose SHA-256 is wrong and leaves nothing behind', async () => {
    vi.stubEnv('TENSILE_DATA_DIR', '');
    const cacheDir = dir('dl', 'bad-cache');
    const failure = imdb.getWordIndex({ cacheDir, baseUrl: `${base}/bad/` });
    await expect(failure).rejects.toThrow(DownloadError);
    await expect(failure).rejects.toThrow(
      /has SHA-256 [0-9a-f]{64}, expected 027313fe.*; the file was discarded/,
    );
    expect(readdirSync(join(cacheDir, 'imdb'))).toEqual([]);
  });

  it('reports HTTP errors with the URL and where it looked', async () => {
    vi.stubEnv('TENSILE_DATA_DIR', '');
    const cacheDir = dir('dl', 'missing-cache');
    await expect(imdb.loadData({ cacheDir, baseUrl: `${base}/missing/` })).rejects.toThrow(
      /imdb: download of http:\/\/127.0.0.1:\d+\/missing\/imdb.npz failed: HTTP 404 \(looked in /,
    );
  });
});
