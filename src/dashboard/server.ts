import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { ValueError } from '../errors.js';
import { DASHBOARD_JS, PAGE_HTML } from './page.js';
import { readStudies } from './study-state.js';

/**
 * Options of the dashboard server.
 *
 * @example
 * import { startDashboard } from 'tensile';
 * const opts = { root: 'runs', port: 0 }; // port 0: any free port
 */
export interface DashboardOptions {
  /** A study directory, or a directory of study directories. */
  root: string;
  /** Address to bind (default 127.0.0.1, loopback only). Anything else must be asked for. */
  host?: string;
  /** Port (default 6070; 0 picks a free one). */
  port?: number;
  /** How often the files are re-read for changes, in ms (default 500). */
  pollMs?: number;
}

/** A running dashboard: its URL and how to stop it. */
export interface DashboardServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.csv': 'text/csv; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
};

/** uPlot's browser build, shipped in our dependencies and served from there: no CDN. */
function uplotFile(name: string): string {
  // Resolved like an import, so it is found wherever npm placed (or hoisted) the package.
  return join(dirname(createRequire(import.meta.url).resolve('uplot')), name);
}

/** The Host header values this server answers to; anything else may be a DNS-rebinding page. */
function allowedHosts(host: string, port: number): Set<string> {
  const names = new Set([host]);
  if (host === '127.0.0.1' || host === '::1' || host === 'localhost') {
    for (const n of ['127.0.0.1', '::1', 'localhost']) names.add(n);
  }
  if (host === '0.0.0.0' || host === '::') {
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) names.add(a.address);
  }
  return new Set([...names].map((n) => (n.includes(':') ? `[${n}]:${port}` : `${n}:${port}`)));
}

/**
 * The file under `root` that a `/files/...` path names, or null when it would leave the root: the
 * path is decoded first (so `..%2f` counts as `../`), and symlinks are resolved before the check.
 */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const realRoot = realpathSync(root);
  const target = resolve(realRoot, `.${decoded.startsWith('/') ? '' : '/'}${decoded}`);
  const inside = (p: string) => p === realRoot || p.startsWith(realRoot + sep);
  if (!inside(target) || !existsSync(target)) return null;
  const real = realpathSync(target);
  return inside(real) && statSync(real).isFile() ? real : null;
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
    'Content-Type': type,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

/**
 * Serves the live dashboard for a study directory: the page, uPlot, a JSON snapshot
 * (`/api/state`), a Server-Sent Events stream of snapshots (`/events`) and the files under the root
 * (`/files/...`, e.g. the finished report). Read-only (GET and HEAD), loopback by default, and
 * requests whose Host header is not this server's address are refused.
 *
 * @example
 * import { startDashboard } from 'tensile';
 * const dash = await startDashboard({ root: 'runs/', port: 0 });
 * const res = await fetch(`${dash.url}api/state`);
 * console.log(res.status, res.headers.get('content-type')); // 200 application/json
 * await dash.close();
 */
export async function startDashboard(opts: DashboardOptions): Promise<DashboardServer> {
  const root = resolve(opts.root);
  const host = opts.host ?? '127.0.0.1';
  const pollMs = opts.pollMs ?? 500;
  if (!existsSync(root)) throw new ValueError(`dashboard: directory '${root}' does not exist`);
  const port = opts.port ?? 6070;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ValueError(`dashboard: port must be an integer in 0..65535, got ${opts.port}`);

  const snapshot = () => JSON.stringify({ root, studies: readStudies(root) });
  const clients = new Set<ServerResponse>();
  let last = '';
  const timer = setInterval(() => {
    if (clients.size === 0) return;
    const now = snapshot();
    if (now === last) return;
    last = now;
    for (const c of clients) c.write(`data: ${now}\n\n`);
  }, pollMs);
  timer.unref();

  let allowed = new Set<string>();
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (!allowed.has(req.headers.host ?? ''))
      return send(
        res,
        403,
        'text/plain',
        `dashboard: Host '${req.headers.host ?? ''}' refused (not this server)\n`,
      );
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, 'text/plain', `dashboard: read-only, ${req.method} not allowed\n`);
    // Keep the raw (still percent-encoded) path: decoding is resolveInside's job, done once.
    const rawPath = (req.url ?? '/').split('?')[0]!;
    if (rawPath === '/' || rawPath === '/index.html') {
      res.setHeader('Content-Security-Policy', "default-src 'self'; style-src 'self' 'unsafe-inline'");
      return send(res, 200, TYPES['.html']!, PAGE_HTML);
    }
    if (rawPath === '/assets/dashboard.js') return send(res, 200, TYPES['.js']!, DASHBOARD_JS);
    if (rawPath === '/assets/uPlot.iife.min.js' || rawPath === '/assets/uPlot.min.css') {
      const name = rawPath.slice('/assets/'.length);
      return send(res, 200, TYPES[extname(name)]!, readFileSync(uplotFile(name)));
    }
    if (rawPath === '/api/state') return send(res, 200, TYPES['.json']!, snapshot());
    if (rawPath === '/events') {
      res.writeHead(200, {
        'Content-Type': 'text/event-stream',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
      });
      res.write(`retry: 2000\ndata: ${snapshot()}\n\n`);
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    if (rawPath.startsWith('/files/')) {
      const file = resolveInside(root, rawPath.slice('/files'.length));
      if (!file) return send(res, 404, 'text/plain', 'dashboard: no such file under the study directory\n');
      return send(res, 200, TYPES[extname(file)] ?? 'application/octet-stream', readFileSync(file));
    }
    send(res, 404, 'text/plain', `dashboard: nothing at ${rawPath}\n`);
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (e) {
      send(res, 500, 'text/plain', `dashboard: ${(e as Error).message}\n`);
    }
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ok());
  });
  const bound = (server.address() as AddressInfo).port;
  allowed = allowedHosts(host, bound);
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${bound}/`,
    server,
    close: () =>
      new Promise<void>((ok) => {
        clearInterval(timer);
        for (const c of clients) c.end();
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
