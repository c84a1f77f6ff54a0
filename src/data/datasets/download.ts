import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DownloadError } from '../errors.js';

/** Abort when the server sends nothing for this long (a whole-download timeout would punish slow links). */
const STALL_MS = 60_000;

/** Socket errors worth another attempt before giving up. */
const TRANSIENT = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/** A one-line progress bar on stderr, drawn only for a terminal and at most ten times a second. */
function progressBar(label: string, total: number): { update(done: number): void; end(): void } {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  const draw = (done: number) => {
    const mb = (b: number) => (b / 1e6).toFixed(1);
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const bar =
      total > 0 ? `[${'='.repeat(Math.round(frac * 30)).padEnd(30)}] ${Math.round(frac * 100)}% ` : '';
    process.stderr.write(`\rDownloading ${label} ${bar}${mb(done)}${total > 0 ? `/${mb(total)}` : ''} MB`);
  };
  return {
    update(done) {
      const now = Date.now();
      if (tty && now - last >= 100) {
        last = now;
        draw(done);
      }
    },
    end() {
      if (tty) process.stderr.write('\n');
    },
  };
}

/**
 * Downloads `url` to `dest` through a temporary file in the same directory, checks its SHA-256
 * against `accepted`, and only then renames it into place, so an interrupted or corrupted download
 * never leaves a file that later loads would trust.
 *
 * @example
 * await downloadFile(new URL('imdb.npz', KERAS_DATASETS_URL).href, '/tmp/imdb.npz', [IMDB_SHA256]);
 */
export async function downloadFile(url: string, dest: string, accepted: readonly string[]): Promise<void> {
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), STALL_MS);
  const stillAlive = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), STALL_MS);
  };
  try {
    let res: Response | null = null;
    for (let attempt = 1; res === null; attempt++) {
      try {
        res = await fetch(url, { signal: controller.signal });
      } catch (e) {
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        // A pooled keep-alive connection the server has just closed fails with a reset; a fresh
        // connection usually works, so transient socket errors get two more tries.
        if (attempt < 3 && TRANSIENT.has(cause?.code ?? '')) continue;
        const why = cause ? ` (${cause.code ?? cause.message})` : '';
        throw new DownloadError(`download of ${url} failed: ${(e as Error).message}${why}`);
      }
    }
    if (!res.ok || res.body === null)
      throw new DownloadError(`download of ${url} failed: HTTP ${res.status}`);
    // Only now touch the disk, so a failed request leaves no directories or files behind.
    await mkdir(dirname(dest), { recursive: true });
    const tmp = join(
      dirname(dest),
      `.tensile-tmp-${process.pid}-${randomBytes(4).toString('hex')}-${basename(dest)}`,
    );
    const file = await open(tmp, 'w');
    let renamed = false;
    try {
      const hash = createHash('sha256');
      const bar = progressBar(basename(dest), Number(res.headers.get('content-length') ?? 0));
      let done = 0;
      try {
        for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
          stillAlive();
          hash.update(chunk);
          await file.write(chunk);
          done += chunk.length;
          bar.update(done);
        }
      } catch (e) {
        throw new DownloadError(`download of ${url} broke off after ${done} bytes: ${(e as Error).message}`);
      } finally {
        bar.end();
      }
      await file.close();
      const digest = hash.digest('hex');
      if (!accepted.includes(digest)) {
        throw new DownloadError(
          `download of ${url} has SHA-256 ${digest}, expected ${accepted.join(' or ')}; the file was discarded`,
        );
      }
      await rename(tmp, dest);
      renamed = true;
    } finally {
      await file.close().catch(() => {});
      if (!renamed) await rm(tmp, { force: true });
    }
  } finally {
    clearTimeout(timer);
  }
}
