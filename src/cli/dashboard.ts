import { parseArgs } from 'node:util';
import { startDashboard } from '../dashboard/server.js';
import { ValueError } from '../errors.js';

export const DASHBOARD_HELP = `Usage: tensile dashboard <dir> [options]

Serves a live page for a study directory (or a directory of studies): every run's curves,
status, epoch, best val_loss, ETA and the finished report. Read-only.

Options:
  --port <n>     port (default 6070; 0 picks a free one)
  --host <addr>  address to bind (default 127.0.0.1: this machine only). Other addresses expose
                 the page to the network; say so explicitly, e.g. --host 0.0.0.0
`;

/** Parses --port/--host as `tensile dashboard` and `tensile study --dashboard` take them. */
export function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new ValueError(`--port must be an integer in 0..65535, got '${value}'`);
  return n;
}

/**
 * Takes `tensile study`'s dashboard flags (--dashboard, --port, --host) out of its arguments.
 * Returns the remaining arguments and the server options, or null without --dashboard.
 */
export function takeDashboardFlags(argv: readonly string[]): {
  rest: string[];
  dashboard: { port?: number; host?: string } | null;
} {
  const rest: string[] = [];
  let on = false;
  let port: string | undefined;
  let host: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    if (flag === '--dashboard') on = true;
    else if (flag === '--port' || flag === '--host') {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new ValueError(`${flag} needs a value`);
      if (flag === '--port') port = value;
      else host = value;
    } else rest.push(argv[i]!);
  }
  if (!on && (port !== undefined || host !== undefined))
    throw new ValueError('--port and --host only apply with --dashboard');
  return { rest, dashboard: on ? { port: parsePort(port), host } : null };
}

export async function dashboardCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { port: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help || positionals.length !== 1) {
    (values.help ? process.stdout : process.stderr).write(DASHBOARD_HELP);
    return values.help ? 0 : 2;
  }
  const dash = await startDashboard({
    root: positionals[0]!,
    host: values.host,
    port: parsePort(values.port),
  });
  console.log(`Tensile dashboard for ${positionals[0]}: ${dash.url} (Ctrl-C to stop)`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await dash.close();
  return 0;
}
