import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePort, takeDashboardFlags } from './dashboard.js';

describe('tensile study --dashboard flags', () => {
  it('takes --dashboard, --port and --host out and leaves the study flags', () => {
    expect(takeDashboardFlags(['--quick', '--dashboard', '--port', '7000', '--jobs=2'])).toEqual({
      rest: ['--quick', '--jobs=2'],
      dashboard: { port: 7000, host: undefined },
    });
    expect(takeDashboardFlags(['--dashboard', '--host=0.0.0.0'])).toEqual({
      rest: [],
      dashboard: { port: undefined, host: '0.0.0.0' },
    });
    expect(takeDashboardFlags(['--quick'])).toEqual({ rest: ['--quick'], dashboard: null });
  });

  it('rejects a bad port, a missing value, and --port without --dashboard', () => {
    expect(() => parsePort('80a')).toThrow(/--port must be an integer in 0..65535, got '80a'/);
    expect(() => takeDashboardFlags(['--dashboard', '--port'])).toThrow(/--port needs a value/);
    expect(() => takeDashboardFlags(['--port', '7000'])).toThrow(/only apply with --dashboard/);
  });
});

describe('tensile dashboard <dir>', () => {
  it('serves the directory until stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tensile-cli-dash-'));
    mkdirSync(join(dir, 'runs', 'r1'), { recursive: true });
    writeFileSync(
      join(dir, 'study.json'),
      JSON.stringify({ study: 'batchnorm', runs: [{ id: 'r1', params: { epochs: 2 } }] }),
    );
    const main = fileURLToPath(new URL('./main.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', main, 'dashboard', dir, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c) => {
          out += c;
          const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on('exit', (code) => reject(new Error(`tensile dashboard exited (${code}): ${out}`)));
      });
      const state = (await (await fetch(`${url}api/state`)).json()) as { studies: { runs: unknown[] }[] };
      expect(state.studies[0].runs[0]).toMatchObject({ id: 'r1', status: 'running', epochs: 2 });
    } finally {
      child.kill('SIGTERM');
    }
  });
});
