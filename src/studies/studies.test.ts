import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunResult } from './types.js';

// Both studies run end to end through the real CLI with --quick (a data subset, 2 epochs), in
// worker processes, then `tensile report` rebuilds the report from the saved histories.
const cli = fileURLToPath(new URL('../cli/main.ts', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'tensile-study-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function tensile(...args: string[]): string {
  return execFileSync(process.execPath, ['--import', 'tsx', cli, ...args], {
    encoding: 'utf8',
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function results(out: string): RunResult[] {
  return readdirSync(join(out, 'runs')).map(
    (id) => JSON.parse(readFileSync(join(out, 'runs', id, 'result.json'), 'utf8')) as RunResult,
  );
}

const last = (xs: number[]) => xs[xs.length - 1]!;

describe('tensile study --quick', () => {
  it('batchnorm: every run, figures, and findings that quote the runs’ own numbers', {
    timeout: 300_000,
  }, () => {
    const out = join(root, 'bn');
    tensile('study', 'batchnorm', '--quick', '--out', out, '--jobs', '2');
    const rs = results(out);
    expect(rs.length).toBe(20);
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    const withBn = rs.find((r) => r.id === 'sigmoid-bn1-sgd-b128')!;
    const without = rs.find((r) => r.id === 'sigmoid-bn0-sgd-b128')!;
    expect(report).toContain(
      `final validation accuracy ${last(withBn.history.val_accuracy!).toFixed(4)} with BN vs ${last(without.history.val_accuracy!).toFixed(4)} without`,
    );
    for (const f of ['bn-sigmoid-loss', 'batch-size-loss', 'activations-sigmoid']) {
      expect(existsSync(join(out, 'figures', `${f}.png`)), f).toBe(true);
      expect(existsSync(join(out, 'figures', `${f}.svg`)), f).toBe(true);
    }
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<svg');
    expect(readFileSync(join(out, 'runs', withBn.id, 'history.csv'), 'utf8').split('\n')[0]).toBe(
      'epoch,accuracy,loss,val_accuracy,val_loss',
    );

    // Re-running with the same --out resumes: nothing is trained again.
    expect(tensile('study', 'batchnorm', '--quick', '--out', out, '--only', 'bn-sigmoid')).toContain(
      'already finished, skipped',
    );
    rmSync(join(out, 'report.md'));
    expect(tensile('report', out)).toContain('report written');
    expect(existsSync(join(out, 'report.md'))).toBe(true);
  });

  it('imdb-rnn: five models, best checkpoints evaluated on the test reviews', { timeout: 300_000 }, () => {
    const out = join(root, 'imdb');
    tensile('study', 'imdb-rnn', '--quick', '--out', out, '--jobs', '2');
    const rs = results(out);
    expect(rs.map((r) => r.id).sort()).toEqual(['gru', 'lstm', 'lstm_dropout', 'lstm_stacked', 'simple_rnn']);
    const params = Object.fromEntries(rs.map((r) => [r.id, r.params_count]));
    // Embedding(500,16) 8,000 + recurrent + Dense(1) 9, as Keras counts them.
    expect(params).toEqual({
      simple_rnn: 8209,
      lstm: 8809,
      lstm_dropout: 8809,
      lstm_stacked: 9353,
      gru: 8633,
    });
    for (const r of rs) {
      expect(existsSync(join(out, 'runs', r.id, 'best.keras')), r.id).toBe(true);
      // Every run also logs for TensorBoard, in Keras' train/ and validation/ layout.
      for (const sub of ['train', 'validation'])
        expect(readdirSync(join(out, 'runs', r.id, sub))[0], `${r.id}/${sub}`).toMatch(
          /^events\.out\.tfevents\./,
        );
      expect((r.extra as { testAccuracy: number }).testAccuracy).toBeGreaterThan(0);
    }
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    const lstm = rs.find((r) => r.id === 'lstm')!;
    expect(report).toContain(
      `best validation loss ${(lstm.extra as { bestValLoss: number }).bestValLoss.toFixed(4)}`,
    );
    expect(existsSync(join(out, 'figures', 'comparison-val-loss.png'))).toBe(true);
    expect(existsSync(join(out, 'figures', 'loss-gru.png'))).toBe(true);
  });
});
