import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockStudyDir, StudyDirError } from './lock.js';

const root = mkdtempSync(join(tmpdir(), 'tensile-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The pid of a process that has exited (so it is certainly not running any more). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

describe('study directory lock', () => {
  it('records pid and host, refuses a second holder, and is removed on release', () => {
    const dir = join(root, 'a');
    const release = lockStudyDir(dir);
    const info = JSON.parse(readFileSync(join(dir, '.tensile-lock'), 'utf8'));
    expect(info).toMatchObject({ pid: process.pid, host: hostname() });
    expect(() => lockStudyDir(dir)).toThrow(StudyDirError);
    expect(() => lockStudyDir(dir)).toThrow(`pid ${process.pid} on ${hostname()}`);
    release();
    expect(existsSync(join(dir, '.tensile-lock'))).toBe(false);
    lockStudyDir(dir)(); // free again
  });

  it("takes over a dead process's lock and removes leftovers of interrupted writes", () => {
    const dir = join(root, 'b');
    mkdirSync(join(dir, 'runs', 'lstm'), { recursive: true });
    const pid = deadPid();
    writeFileSync(join(dir, '.tensile-lock'), JSON.stringify({ pid, host: hostname(), started: 'x' }));
    const leftovers = [
      '.tensile-tmp-last.keras-1-a-0',
      'runs/lstm/.tensile-tmp-best.keras-9-b-1.weights.h5',
      'runs/lstm/partial.json.tmp-4242',
    ];
    for (const f of leftovers) writeFileSync(join(dir, f), 'half');
    writeFileSync(join(dir, 'runs', 'lstm', 'last.keras'), 'kept');
    const release = lockStudyDir(dir);
    expect(JSON.parse(readFileSync(join(dir, '.tensile-lock'), 'utf8')).pid).toBe(process.pid);
    for (const f of leftovers) expect(existsSync(join(dir, f)), f).toBe(false);
    expect(readdirSync(join(dir, 'runs', 'lstm'))).toEqual(['last.keras']);
    release();
  });

  it('refuses a lock held on another host (its process cannot be checked from here)', () => {
    const dir = join(root, 'c');
    mkdirSync(dir);
    const lock = join(dir, '.tensile-lock');
    writeFileSync(lock, JSON.stringify({ pid: 1, host: 'elsewhere', started: 'y' }));
    expect(() => lockStudyDir(dir)).toThrow(
      `(pid 1 on elsewhere, since y); wait for it to finish or choose another --out (if that study is gone, delete ${lock})`,
    );
  });

  it('an output path with a file in the way is a StudyDirError', () => {
    writeFileSync(join(root, 'file'), '');
    expect(() => lockStudyDir(join(root, 'file', 'out'))).toThrow(
      /cannot create the output directory .*file\/out: a file of that name is in the way/,
    );
  });
});
