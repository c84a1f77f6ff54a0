import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { checkRedis } from './connection.js';

// Test support for the queue tests (queue.test.ts, prune.test.ts): a real redis-server (Debian's;
// .ci/run installs it) on a free port, and `tensile` CLI processes run from source.

const cli = fileURLToPath(new URL('../../cli/main.ts', import.meta.url));

/** The processes a test file started; `killAll` ends the ones still running. */
export class Processes {
  private readonly children: ChildProcess[] = [];

  add<C extends ChildProcess>(child: C): C {
    this.children.push(child);
    return child;
  }

  killAll(): void {
    for (const c of this.children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts a throw-away redis-server (no persistence) on a free port; resolves with its URL once it answers. */
export async function startRedis(processes: Processes): Promise<string> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const redis = processes.add(
    spawn('redis-server', [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ]),
  );
  redis.on('error', (e) => {
    throw new Error(`cannot start redis-server (apt-get install redis-server): ${e.message}`);
  });
  const t0 = Date.now();
  for (;;) {
    try {
      await checkRedis(url, 500);
      return url;
    } catch (e) {
      if (Date.now() - t0 > 10_000) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** A `tensile` CLI process run from source under tsx, its output collected; `exited` resolves with its exit code. */
export function spawnTensile(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], {
    env: { ...process.env, ...env },
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => {
    out.stdout += d;
  });
  child.stderr.on('data', (d) => {
    out.stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out, exited };
}

/** spawnTensile for the tests: a short queue lock (stalled jobs move on quickly), no DEBUG, killed by `processes`. */
export function tensile(processes: Processes, args: string[], env: NodeJS.ProcessEnv = {}) {
  const run = spawnTensile(args, { TENSILE_QUEUE_LOCK_MS: '5000', DEBUG: '', ...env });
  processes.add(run.child);
  return run;
}

/** Polls `check` every 20 ms until it holds; throws after `ms`. */
export async function until(check: () => boolean, what: string, ms = 120_000): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
