import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardServer, resolveInside, startDashboard } from './server.js';
import { readStudies } from './study-state.js';

/** A raw GET: the path is sent exactly as given (no URL normalisation), with any Host header. */
function get(
  port: number,
  path: string,
  opts: { host?: string; method?: string } = {},
): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: opts.method ?? 'GET',
        headers: { Host: opts.host ?? `127.0.0.1:${port}` },
      },
      (res) => {
        let body = '';
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode!, body, type: String(res.headers['content-type']) }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A study directory as `tensile study` leaves it mid-way: one run finished, one running, one pending. */
function fakeStudy(dir: string): void {
  mkdirSync(join(dir, 'runs', 'a'), { recursive: true });
  mkdirSync(join(dir, 'runs', 'b'), { recursive: true });
  const runs = ['a', 'b', 'c', 'd'].map((id) => ({ id, label: `run ${id}`, params: { epochs: 4 } }));
  const study = { study: './studies/imdb.ts', name: 'imdb-rnn', options: { epochs: null }, runs };
  writeFileSync(join(dir, 'study.json'), JSON.stringify(study));
  mkdirSync(join(dir, 'runs', 'd'), { recursive: true });
  const pruned = { loss: [1.2], val_loss: [1.3] };
  writeFileSync(
    join(dir, 'runs', 'd', 'result.json'),
    JSON.stringify({ id: 'd', history: pruned, pruned: { epoch: 1 } }),
  );
  const history = { loss: [0.9, 0.6, 0.5, 0.45], val_loss: [0.8, 0.55, 0.6, 0.7] };
  writeFileSync(join(dir, 'runs', 'a', 'result.json'), JSON.stringify({ id: 'a', history }));
  writeFileSync(
    join(dir, 'runs', 'b', 'partial.json'),
    JSON.stringify({ history: { loss: [1, 0.8], val_loss: [0.9, 0.7] }, seconds: [10, 20] }),
  );
}

describe('study state from the files', () => {
  it('reads status, epoch, best val_loss (1-based epoch) and ETA of each run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tensile-dash-state-'));
    fakeStudy(dir);
    const [study] = readStudies(dir);
    expect(study!.name).toBe('imdb-rnn');
    const [a, b, c, d] = study!.runs;
    expect(a).toMatchObject({
      status: 'done',
      epoch: 4,
      epochs: 4,
      bestValLoss: 0.55,
      bestEpoch: 2,
      etaSeconds: 0,
    });
    // 2 epochs left at a mean of 15 s.
    expect(b).toMatchObject({ status: 'running', epoch: 2, bestValLoss: 0.7, bestEpoch: 2, etaSeconds: 30 });
    expect(c).toMatchObject({ status: 'pending', epoch: 0, bestValLoss: null, etaSeconds: null });
    expect(d).toMatchObject({ status: 'pruned', epoch: 1, bestEpoch: 1, etaSeconds: 0 });
    expect(study!.report).toBeNull();
  });

  it('finds every study in a directory of studies, and the report once written', () => {
    const root = mkdtempSync(join(tmpdir(), 'tensile-dash-many-'));
    fakeStudy(join(root, 's1'));
    fakeStudy(join(root, 's2'));
    writeFileSync(join(root, 's2', 'report.html'), '<h1>done</h1>');
    mkdirSync(join(root, 'not-a-study'));
    const studies = readStudies(root);
    expect(studies.map((s) => [s.path, s.report])).toEqual([
      ['s1', null],
      ['s2', '/files/s2/report.html'],
    ]);
  });
});

describe('dashboard server', () => {
  let root: string;
  let outside: string;
  let dash: DashboardServer;
  let port: number;
  beforeAll(async () => {
    const base = mkdtempSync(join(tmpdir(), 'tensile-dash-srv-'));
    root = join(base, 'study');
    outside = join(base, 'secret.txt');
    writeFileSync(outside, 'SECRET');
    fakeStudy(root);
    writeFileSync(join(root, 'report.html'), '<h1>report</h1>');
    symlinkSync(outside, join(root, 'link-out.txt'));
    symlinkSync(join(root, 'report.html'), join(root, 'link-in.html'));
    dash = await startDashboard({ root, port: 0, pollMs: 50 });
    port = Number(new URL(dash.url).port);
  });
  afterAll(() => dash.close());

  it('binds loopback by default and serves the page, uPlot and the state', async () => {
    expect(dash.url).toBe(`http://127.0.0.1:${port}/`);
    expect((await get(port, '/')).body).toContain('Tensile dashboard');
    const uplot = await get(port, '/assets/uPlot.iife.min.js');
    expect(uplot).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8' });
    expect(uplot.body).toContain('uPlot');
    const state = JSON.parse((await get(port, '/api/state')).body);
    expect(state.studies[0].runs.map((r: { status: string }) => r.status)).toEqual([
      'done',
      'running',
      'pending',
      'pruned',
    ]);
    expect(state.studies[0].report).toBe('/files/report.html');
    expect((await get(port, '/files/report.html')).body).toBe('<h1>report</h1>');
  });

  it('refuses a Host header that is not this server (DNS rebinding), accepts localhost', async () => {
    expect((await get(port, '/api/state', { host: `evil.example:${port}` })).status).toBe(403);
    expect((await get(port, '/api/state', { host: `127.0.0.1:${port + 1}` })).status).toBe(403);
    expect((await get(port, '/api/state', { host: '127.0.0.1' })).status).toBe(403);
    expect((await get(port, '/api/state', { host: `localhost:${port}` })).status).toBe(200);
  });

  it('is read-only', async () => {
    for (const method of ['POST', 'PUT', 'DELETE'])
      expect((await get(port, '/api/state', { method })).status).toBe(405);
  });

  it('serves nothing outside the study directory: .., encoded .., NUL, symlinks out', async () => {
    for (const path of [
      '/files/../secret.txt',
      '/files/..%2fsecret.txt',
      '/files/%2e%2e%2fsecret.txt',
      '/files/%2e%2e/secret.txt',
      '/files/..%5csecret.txt',
      '/files/runs/..%2f..%2f..%2fsecret.txt',
      '/files/%252e%252e%252fsecret.txt',
      '/files/report.html%00.txt',
      '/files/link-out.txt',
      '/files/%E0%A4%A',
      `/files/${encodeURIComponent(outside)}`,
    ]) {
      const res = await get(port, path);
      expect(res.status, path).toBe(404);
      expect(res.body).not.toContain('SECRET');
    }
    expect((await get(port, '/files/link-in.html')).body).toBe('<h1>report</h1>');
    expect(resolveInside(root, '/runs/a/result.json')).toBe(join(root, 'runs', 'a', 'result.json'));
    expect(resolveInside(root, '/runs/..%2f..%2fsecret.txt')).toBeNull();
  });

  it('streams a new snapshot over Server-Sent Events when a run writes an epoch', async () => {
    const events: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/events', headers: { Host: `127.0.0.1:${port}` } },
        (res) => {
          expect(res.headers['content-type']).toBe('text/event-stream');
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            for (const m of chunk.matchAll(/^data: (.*)$/gm)) events.push(m[1]!);
            if (events.length === 1)
              writeFileSync(
                join(root, 'runs', 'b', 'partial.json'),
                JSON.stringify({
                  history: { loss: [1, 0.8, 0.7], val_loss: [0.9, 0.7, 0.65] },
                  seconds: [10, 20, 30],
                }),
              );
            if (events.length === 2) {
              req.destroy();
              resolve();
            }
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
    await done;
    const epochOfB = (e: string) => JSON.parse(e).studies[0].runs[1].epoch;
    expect([epochOfB(events[0]!), epochOfB(events[1]!)]).toEqual([2, 3]);
  });

  it('rejects a missing directory and a bad port with clear errors', async () => {
    await expect(startDashboard({ root: join(root, 'nope') })).rejects.toThrow(/does not exist/);
    await expect(startDashboard({ root, port: 70000 })).rejects.toThrow(/port must be/);
  });
});
