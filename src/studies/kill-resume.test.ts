import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunResult } from './types.js';

// A --quick study (one LSTM run, 4 epochs, in the CLI process) is killed with SIGKILL three times in
// a row: in the middle of an epoch, in the middle of writing a checkpoint, and in the middle of
// writing the report; each time the same command is run again. The result must be what an
// uninterrupted run gives. A preload stalls the process at the chosen point (so the kill lands
// there every time) and prints "stalled".
const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'src/cli/main.ts');
const dir = mkdtempSync(join(tmpdir(), 'tensile-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const h5wasm = join(root, 'node_modules/h5wasm/dist/node/hdf5_hl.js');
const preload = join(dir, 'stall.mjs');
writeFileSync(
  preload,
  `import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
${existsSync(h5wasm) ? `await import(${JSON.stringify(pathToFileURL(h5wasm).href)});` : ''}
const mode = process.env.STALL_AT;
const write = fs.writeFileSync;
const stall = () => {
  process.stdout.write('stalled\\n');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
};
fs.writeFileSync = (path, data, ...rest) => {
  const p = String(path);
  if (mode === 'checkpoint' && /\\.tensile-tmp-last\\.keras-[^.]*$/.test(p)) {
    write(p, data.subarray(0, data.length >> 1));
    stall();
  }
  if (mode === 'report' && /report\\.md\\.tmp-\\d+$/.test(p)) {
    write(p, String(data).slice(0, 200));
    stall();
  }
  const result = write(path, data, ...rest);
  // After an epoch's resume point is written, stall at the next turn of the event loop, which
  // fit() reaches between batches of the following epoch.
  if (mode === 'epoch' && /partial\\.json\\.tmp-\\d+$/.test(p)) setTimeout(stall, 0);
  return result;
};
syncBuiltinESMExports();
`,
);

const ARGS = ['study', 'imdb-rnn', '--quick', '--only', 'lstm', '--epochs', '4', '--jobs', '1'];
const env = {
  ...process.env,
  TENSILE_DATA_DIR: process.env.TENSILE_DATA_DIR || join(root, '../shared/data'),
};

/** Runs the study; with `stallAt`, kills it with SIGKILL once it stalls there. Resolves to its stdout. */
function study(out: string, stallAt?: 'epoch' | 'checkpoint' | 'report'): Promise<string> {
  const args = ['--import', pathToFileURL(preload).href, '--import', 'tsx', cli, ...ARGS, '--out', out];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...env, STALL_AT: stallAt ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stallAt && stdout.includes('stalled')) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      const expected = stallAt ? signal === 'SIGKILL' : code === 0;
      if (expected) resolve(stdout);
      else reject(new Error(`study (${stallAt ?? 'to the end'}) exited with ${code ?? signal}: ${stderr}`));
    });
  });
}

const result = (out: string) =>
  JSON.parse(readFileSync(join(out, 'runs', 'lstm', 'result.json'), 'utf8')) as RunResult;

describe('SIGKILL and resume', () => {
  it('killed mid-epoch, mid-checkpoint and mid-report, the resumed study equals an uninterrupted one', {
    timeout: 420_000,
  }, async () => {
    const reference = join(dir, 'reference');
    const killed = join(dir, 'killed');
    const [, first] = await Promise.all([study(reference), study(killed, 'epoch')]);
    expect(first).toMatch(/lstm epoch 1\/4/);
    expect(existsSync(join(killed, 'runs', 'lstm', 'result.json'))).toBe(false);
    await study(killed, 'checkpoint');
    expect(
      readdirSync(join(killed, 'runs', 'lstm')).some((f) => f.startsWith('.tensile-tmp-last.keras')),
    ).toBe(true);
    await study(killed, 'report');
    expect(existsSync(join(killed, 'runs', 'lstm', 'result.json'))).toBe(true);
    expect(existsSync(join(killed, 'report.html'))).toBe(false);
    const last = await study(killed);
    expect(last).toContain('already finished, skipped');

    const [a, b] = [result(reference), result(killed)];
    expect(b.history).toEqual(a.history);
    expect(b.epochsRun).toBe(a.epochsRun);
    const scores = (r: RunResult) => {
      const { bestEpoch, bestValLoss, testAccuracy } = r.extra as Record<string, number>;
      return { bestEpoch, bestValLoss, testAccuracy };
    };
    expect(scores(b)).toEqual(scores(a));
    expect(existsSync(join(killed, 'report.html'))).toBe(true);
    // The stale locks of the killed processes were taken over, and their half-written files removed.
    const files = readdirSync(killed, { recursive: true }).map(String);
    expect(files.filter((f) => f.includes('.tensile-tmp-') || /\.tmp-\d+$/.test(f))).toEqual([]);
    expect(files).not.toContain('.tensile-lock');
  });
});
