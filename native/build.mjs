#!/usr/bin/env node
/**
 * Builds Tensile's optional native GEMM addon (native/tensile_native.c) against every BLAS it finds
 * (oneDNN, OpenBLAS), checks each build in a child process, measures it, and records the fastest in
 * native/out/native.json for the loader (src/backends/wasm/native-loader.ts).
 *
 * Run by `npm install` (the package's `install` script) and by `npx tensile build-native`. During an
 * install it never fails: no compiler, no Node headers, no library, another OS or a failed build each
 * print one line and exit 0, and Tensile runs on WebAssembly alone. `--strict` (used by
 * `tensile build-native`) exits 1 when nothing was built. TENSILE_NATIVE_LIB=onednn|openblas builds
 * only that library. Node's headers come from the local installation (`--nodedir`); nothing is
 * downloaded. The build log is native/build/build.log.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, 'out');
const logFile = join(here, 'build', 'build.log');
const strict = process.argv.includes('--strict');
const quiet = process.argv.includes('--quiet');

/** The libraries the addon can be built against, in order of preference when they measure alike. */
const LIBRARIES = [
  { name: 'onednn', headers: ['/usr/include/oneapi/dnnl/dnnl.h', '/usr/local/include/oneapi/dnnl/dnnl.h'] },
  {
    name: 'openblas',
    headers: [
      '/usr/include/x86_64-linux-gnu/cblas.h',
      '/usr/include/aarch64-linux-gnu/cblas.h',
      '/usr/include/openblas/cblas.h',
      '/usr/include/cblas.h',
    ],
  },
];

const say = (line) => {
  if (!quiet) console.log(`tensile native: ${line}`);
};

/** Stops with a note: exit 0 during install (Tensile works without the addon), 1 with --strict. */
function giveUp(reason) {
  say(`${reason}; Tensile will use WebAssembly only (run \`npx tensile build-native\` after fixing this)`);
  process.exit(strict ? 1 : 0);
}

/** Node's own headers next to this node binary (or npm's configured nodedir), never a download. */
function findNodeDir() {
  const candidates = [process.env.npm_config_nodedir, resolve(process.execPath, '..', '..'), '/usr'];
  return candidates.find((d) => d && existsSync(join(d, 'include', 'node', 'node_api.h')));
}

/** node-gyp: the one npm hands to install scripts, npm's bundled copy, or a local dependency. */
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    resolve(
      process.execPath,
      '..',
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  ];
  try {
    candidates.push(createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not installed as a dependency: fine, the others may exist
  }
  return candidates.find((p) => p && existsSync(p));
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 180_000, ...opts });
  appendFileSync(logFile, `$ ${cmd} ${args.join(' ')}\n${r.stdout ?? ''}${r.stderr ?? ''}\n`);
  return r;
}

/** Compiles the addon against `lib`; returns the path of the copy in native/out, or a reason. */
function build(lib, nodeGyp, nodeDir) {
  const r = run(
    process.execPath,
    [nodeGyp, 'rebuild', `--nodedir=${nodeDir}`, '--', `-Dtensile_blas=${lib}`],
    {
      cwd: here,
    },
  );
  const built = join(here, 'build', 'Release', 'tensile_native.node');
  if (r.status !== 0 || !existsSync(built)) {
    // The compiler's or linker's first error says more than node-gyp's closing 'not ok'.
    const lines = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ?? ''}`.split('\n').filter(Boolean);
    const why =
      lines.find((l) => /\berror\b|cannot find|not found/i.test(l) && !l.startsWith('gyp ')) ?? lines.at(-1);
    return { error: `build against ${lib} failed (${(why ?? 'no output').trim().slice(0, 200)})` };
  }
  const file = join(outDir, `tensile-${lib}.node`);
  copyFileSync(built, file);
  return { file };
}

/** Loads, checks and times a build in a child process, so a crashing build cannot take us down. */
function verify(file) {
  const r = run(process.execPath, [join(here, 'verify.mjs'), file], { timeout: 60_000 });
  const line = (r.stdout ?? '').trim().split('\n').at(-1) ?? '';
  if (r.status !== 0 || !line.startsWith('{')) {
    const why = r.signal
      ? `killed by ${r.signal}`
      : ((r.stderr ?? '').trim().split('\n').at(-1) ?? `exit ${r.status}`);
    return { error: `check of ${file} failed (${why.slice(0, 160)})` };
  }
  return JSON.parse(line);
}

function main() {
  if (process.env.TENSILE_NATIVE === '0') giveUp('skipped (TENSILE_NATIVE=0)');
  if (process.platform !== 'linux')
    giveUp(`not built on ${process.platform} (only Linux is supported so far)`);
  const nodeDir = findNodeDir();
  if (!nodeDir) giveUp(`no local Node headers (include/node/node_api.h) next to ${process.execPath}`);
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) giveUp('node-gyp not found (it comes with npm)');
  const only = process.env.TENSILE_NATIVE_LIB; // build just this one
  if (only && !LIBRARIES.some((l) => l.name === only)) {
    giveUp(`TENSILE_NATIVE_LIB=${only} is none of ${LIBRARIES.map((l) => l.name).join(', ')}`);
  }
  const present = LIBRARIES.filter((l) => (!only || l.name === only) && l.headers.some((h) => existsSync(h)));
  if (present.length === 0) {
    giveUp('no BLAS found (apt-get install libdnnl-dev or libopenblas-dev)');
  }
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  mkdirSync(dirname(logFile), { recursive: true });
  writeFileSync(logFile, '');
  const built = [];
  const problems = [];
  for (const lib of present) {
    const b = build(lib.name, nodeGyp, nodeDir);
    const checked = b.error ? b : verify(b.file);
    if (checked.error) problems.push(checked.error);
    else built.push({ ...checked, file: `tensile-${lib.name}.node` });
  }
  rmSync(join(here, 'build', 'Release'), { recursive: true, force: true });
  if (built.length === 0) giveUp(`${problems.join('; ')} (log: ${logFile})`);
  // Keep the faster; one within 5% of another counts as a tie and the earlier (preferred) one wins.
  const best = built.reduce((a, b) => (b.gflops > a.gflops * 1.05 ? b : a));
  const record = {
    chosen: best.library,
    nodeAbi: process.versions.modules,
    napi: process.versions.napi,
    platform: process.platform,
    arch: process.arch,
    builtAt: new Date().toISOString(),
    builds: built,
  };
  writeFileSync(join(outDir, 'native.json'), `${JSON.stringify(record, null, 2)}\n`);
  const measured = built.map(
    (b) => `${b.library} ${b.version.split(' ')[0]} (${b.kernel}) ${b.gflops} GFLOP/s`,
  );
  say(
    `built ${measured.join(', ')}; using ${best.library}${problems.length ? ` (${problems.join('; ')})` : ''}`,
  );
}

try {
  main();
} catch (e) {
  giveUp(`build script error: ${e instanceof Error ? e.message : String(e)}`);
}
