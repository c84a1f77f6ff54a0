import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// The real CLI in a child process: what a user sees on stderr, and the exit code.
const cli = fileURLToPath(new URL('./main.ts', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'tensile-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** No data anywhere: an empty home and cache, no TENSILE_DATA_DIR, a mirror that refuses at once. */
const noData: NodeJS.ProcessEnv = {
  ...process.env,
  TENSILE_DATA_DIR: '',
  TENSILE_HOME: join(root, 'home'),
  TENSILE_DATASETS_URL: 'http://127.0.0.1:9/',
  DEBUG: '',
};

function tensile(args: string[], env = noData): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', cli, ...args], { env }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const STACK_FRAME = /^\s+at /m;

describe('tensile CLI: user errors are one short message and a non-zero exit', () => {
  it('missing data stops the study before any worker, saying where it looked and how to provide it', {
    timeout: 60_000,
  }, async () => {
    const out = join(root, 'no-data');
    const r = await tensile(['study', 'imdb-rnn', '--quick', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^tensile: imdb: download of http:\/\/127\.0\.0\.1:9\/imdb\.npz failed/);
    expect(r.stderr).toContain(`looked in ${join(root, 'home', 'datasets', 'imdb')}`);
    expect(r.stderr).toContain('TENSILE_DATA_DIR');
    expect(r.stderr).toContain(`by hand into ${join(root, 'home', 'datasets', 'imdb')}/`);
    expect(r.stderr.match(/imdb\.npz failed/g)).toHaveLength(1); // once, not once per worker
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(3);
    expect(r.stdout).not.toContain('writing to'); // no run started
  });

  it('bad option, bad value, unknown study: one line each; --verbose adds the stack', {
    timeout: 60_000,
  }, async () => {
    const [option, value, study, verbose] = await Promise.all([
      tensile(['study', 'imdb-rnn', '--bogus']),
      tensile(['study', 'imdb-rnn', '--epochs', 'many']),
      tensile(['study', 'imdb']),
      tensile(['study', 'imdb-rnn', '--epochs', 'many', '--verbose']),
    ]);
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/^tensile: Unknown option '--bogus'.*\(see tensile help\)\n$/);
    expect(value.code).toBe(1);
    expect(value.stderr).toBe("tensile: --epochs must be an integer ≥ 1, got 'many'\n");
    expect(study.code).toBe(1);
    expect(study.stderr).toBe(
      "tensile: unknown study 'imdb' (built-in: imdb-rnn, batchnorm; or give a path such as ./my-study.ts)\n",
    );
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).toMatch(STACK_FRAME);
  });

  it('an --out that cannot be created, or that a running study holds, is refused clearly', {
    timeout: 60_000,
  }, async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    const busy = join(root, 'busy');
    mkdirSync(busy);
    // This test process is alive, so its lock is not stale.
    const lock = { pid: process.pid, host: hostname(), started: '2026-12-02T12:00:00.000Z' };
    writeFileSync(join(busy, '.tensile-lock'), JSON.stringify(lock));
    const [blocked, locked] = await Promise.all([
      tensile(['study', 'batchnorm', '--quick', '--out', join(file, 'out')]),
      tensile(['study', 'batchnorm', '--quick', '--out', busy]),
    ]);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toBe(
      `tensile: cannot create the output directory ${join(file, 'out')}: a file of that name is in the way; choose another --out\n`,
    );
    expect(locked.code).toBe(1);
    expect(locked.stderr).toBe(
      `tensile: ${busy} is in use by another tensile study (pid ${process.pid} on ${hostname()}, since 2026-12-02T12:00:00.000Z); wait for it to finish or choose another --out\n`,
    );
    expect(JSON.parse(readFileSync(join(busy, '.tensile-lock'), 'utf8'))).toEqual(lock); // left alone
  });
});
