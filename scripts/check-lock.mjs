#!/usr/bin/env node
// Checks that package-lock.json matches package.json and records every platform's optional packages,
// so `npm ci` works on any machine. npm omits other platforms' optional packages (@biomejs/cli-*,
// @esbuild/*, @resvg/resvg-js-*) when a lock is updated on a machine that already has node_modules;
// `npm ci` elsewhere then fails with "lock file out of sync". Offline and fast, run by `npm run check`.
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8'));
const packages = lock.packages ?? {};
const root = packages[''] ?? {};
const problems = [];

for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
  const want = pkg[field] ?? {};
  const have = root[field] ?? {};
  for (const name of new Set([...Object.keys(want), ...Object.keys(have)])) {
    if (want[name] !== have[name]) {
      problems.push(
        `${field}.${name}: package.json has ${want[name] ?? 'nothing'}, the lock ${have[name] ?? 'nothing'}`,
      );
    }
  }
}

/** Where npm would resolve `dep` required from the package at `from` (node_modules lookup upwards). */
function resolves(from, dep) {
  let dir = from;
  for (;;) {
    if (packages[`${dir ? `${dir}/` : ''}node_modules/${dep}`]) return true;
    if (!dir) return false;
    const cut = dir.lastIndexOf('node_modules/');
    dir = cut <= 0 ? '' : dir.slice(0, cut - 1);
  }
}

for (const [path, entry] of Object.entries(packages)) {
  if (entry.link) continue;
  for (const field of ['dependencies', 'optionalDependencies']) {
    for (const dep of Object.keys(entry[field] ?? {})) {
      if (!resolves(path, dep))
        problems.push(`${path || 'package.json'} needs ${dep} (${field}), missing from the lock`);
    }
  }
}

if (problems.length > 0) {
  console.error(
    `package-lock.json is out of sync with package.json (npm ci would fail):\n  ${problems.join('\n  ')}`,
  );
  console.error('Fix: rm -rf node_modules package-lock.json && npm install, then commit package-lock.json.');
  process.exit(1);
}
console.log(`package-lock.json: in sync (${Object.keys(packages).length - 1} packages, every platform)`);
