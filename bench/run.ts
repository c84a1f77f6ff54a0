/**
 * `npm run bench`: times Tensile's workloads and, with --torch, the PyTorch reference scripts of
 * ../shared/bench in the same session, then prints a Markdown table of seconds per epoch, ratios
 * and peak RSS. Every workload runs in its own process, so peak RSS is its own, on the library compiled
 * by tsc as users run it (compiled-runner.ts).
 *
 *   npm run bench -- [--only A1,B1-sigmoid-bn_none-sgd-b128] [--family rnn|mlp] [--epochs 3]
 *                    [--torch] [--torch-threads 1,2] [--frac 1] [--out bench/results/<date>.jsonl]
 *                    [--native on|off|1|2|split,...]
 *
 * --native runs each Tensile workload once per listed variant of the native GEMM path: `on` as
 * installed (the default), `off` (TENSILE_NATIVE=0, WebAssembly only), `1`/`2` native on that many
 * threads (TENSILE_NATIVE_THREADS), `split` rows split with the addon's helper thread.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { compileRunner } from './compiled-runner.js';
import { workloads } from './workloads.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    family: { type: 'string' },
    epochs: { type: 'string', default: '3' },
    frac: { type: 'string', default: '1' },
    torch: { type: 'boolean', default: false },
    'torch-threads': { type: 'string', default: '1,2' },
    acts: { type: 'string', default: 'sigmoid' },
    out: { type: 'string' },
    backend: { type: 'string' },
    native: { type: 'string', default: 'on' },
  },
});
/** Environment of each native variant (see the header). */
const NATIVE_ENV: Record<string, Record<string, string>> = {
  on: {},
  off: { TENSILE_NATIVE: '0' },
  '1': { TENSILE_NATIVE_THREADS: '1' },
  '2': { TENSILE_NATIVE_THREADS: '2' },
  split: { TENSILE_NATIVE_THREADS: 'split' },
};
const variants = values.native!.split(',');
for (const v of variants)
  if (!NATIVE_ENV[v]) throw new Error(`--native: unknown variant '${v}' (on, off, 1, 2, split)`);
const dataDir = process.env.TENSILE_DATA_DIR ?? '../shared/data';
const benchDir = join(dataDir, '..', 'bench');
const out =
  values.out ??
  join('bench', 'results', `${new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-')}.jsonl`);
mkdirSync(join(out, '..'), { recursive: true });
const acts = values.acts!.split(',') as ('sigmoid' | 'relu')[];
let selected = workloads(acts);
if (values.family) selected = selected.filter((w) => w.family === values.family);
if (values.only) {
  const ids = values.only.split(',');
  selected = selected.filter((w) => ids.some((id) => w.id === id || w.id.startsWith(`${id}-`)));
}

interface Row {
  runner: string;
  workload: string;
  native?: string;
  threads?: number;
  epoch_s: { median: number };
  peak_rss_mb: number;
}
const rows: Row[] = [];

console.log(
  `# ${new Date().toISOString()} · ${cpus().length} × ${cpus()[0]?.model} · node ${process.version} · load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
const runner = compileRunner();
for (const w of selected) {
  for (const variant of variants) {
    const args = [runner, w.id, '--epochs', values.epochs!, '--frac', values.frac!, '--acts', acts.join(',')];
    if (values.backend) args.push('--backend', values.backend);
    const res = spawnSync(process.execPath, args, {
      encoding: 'utf8',
      env: { ...process.env, TENSILE_DATA_DIR: dataDir, ...NATIVE_ENV[variant] },
    });
    const line = res.stdout.trim().split('\n').pop() ?? '';
    if (res.status !== 0 || !line.startsWith('{')) {
      console.error(`✗ ${w.id}: ${res.stderr.slice(-2000)}`);
      continue;
    }
    const r = { ...(JSON.parse(line) as Row), native: variant };
    appendFileSync(out, `${JSON.stringify(r)}\n`);
    rows.push(r);
    console.log(
      `tensile (native ${variant}) ${w.id}: ${r.epoch_s.median.toFixed(3)} s/epoch, peak RSS ${r.peak_rss_mb.toFixed(0)} MB`,
    );
  }
}

/** Runs one reference workload in its own python process; peak RSS from getrusage. */
function torchRun(script: string, flagArgs: string[], threads: number): Row[] {
  const tmp = `${out}.torch-${process.pid}.jsonl`;
  const wrapper = [
    'import json, resource, runpy, sys',
    // bench_cnn.py has no --wait-quiet option.
    `sys.argv = ${JSON.stringify([script, '--threads', String(threads), '--out', tmp, '--epochs', values.epochs!, '--frac', values.frac!, ...(script === 'bench_cnn.py' ? [] : ['--wait-quiet', '5']), ...flagArgs])}`,
    `sys.path.insert(0, ${JSON.stringify(benchDir)})`,
    `runpy.run_path(${JSON.stringify(join(benchDir, script))}, run_name='__main__')`,
    "print('PEAK_RSS_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)",
  ].join('\n');
  const env = {
    ...process.env,
    TENSILE_DATA_DIR: dataDir,
    LD_LIBRARY_PATH: '/usr/lib/x86_64-linux-gnu/openblas-openmp',
  };
  const stdout = execFileSync('/usr/bin/python3', ['-c', wrapper], {
    encoding: 'utf8',
    env,
    maxBuffer: 1 << 26,
  });
  const rss = Number(/PEAK_RSS_KB (\d+)/.exec(stdout)?.[1] ?? 0) / 1024;
  if (!existsSync(tmp)) return [];
  const recs = readFileSync(tmp, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  execFileSync('rm', ['-f', tmp]);
  return recs.map((r) => ({
    runner: 'torch',
    workload: r.act ? `${r.workload}-${r.act}-bn_${r.bn}-${r.opt}-b${r.batch}` : r.workload,
    threads: threads,
    epoch_s: r.epoch_s,
    peak_rss_mb: rss,
  }));
}

if (values.torch) {
  for (const threads of values['torch-threads']!.split(',').map(Number)) {
    for (const w of selected) {
      const [name] = w.id.split('-');
      const recs =
        w.family === 'rnn'
          ? torchRun('bench_rnn.py', ['--models', name!], threads)
          : w.family === 'cnn'
            ? torchRun('bench_cnn.py', ['--configs', name!], threads)
            : torchRun(
                'bench_mlp.py',
                ['--configs', name!, '--acts', w.id.split('-')[1]!, '--batches', String(w.batch)],
                threads,
              );
      for (const r of recs.filter((x) => x.workload === w.id)) {
        appendFileSync(out, `${JSON.stringify(r)}\n`);
        rows.push(r);
        console.log(
          `torch(${threads}t) ${r.workload}: ${r.epoch_s.median.toFixed(3)} s/epoch, peak RSS ${r.peak_rss_mb.toFixed(0)} MB`,
        );
      }
    }
  }
}

console.log(
  '\n| Workload | Native | Tensile s/epoch | PyTorch s/epoch (best of threads) | Speed-up | Tensile peak RSS | PyTorch peak RSS |',
);
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
for (const w of selected) {
  for (const variant of variants) {
    const t = rows.find((r) => r.runner === 'tensile' && r.workload === w.id && r.native === variant);
    const torch = rows
      .filter((r) => r.runner === 'torch' && r.workload === w.id)
      .sort((a, b) => a.epoch_s.median - b.epoch_s.median)[0];
    const fmt = (r: Row | undefined) => (r ? r.epoch_s.median.toFixed(3) : '–');
    const ratio = t && torch ? `${(torch.epoch_s.median / t.epoch_s.median).toFixed(2)}×` : '–';
    console.log(
      `| ${w.id} | ${variant} | ${fmt(t)} | ${fmt(torch)}${torch ? ` (${torch.threads}t)` : ''} | ${ratio} | ${t ? `${t.peak_rss_mb.toFixed(0)} MB` : '–'} | ${torch ? `${torch.peak_rss_mb.toFixed(0)} MB` : '–'} |`,
    );
  }
}
console.log(`\nresults: ${out}`);
