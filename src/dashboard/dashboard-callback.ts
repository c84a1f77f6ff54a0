import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Callback, type Logs } from '../callbacks/callback.js';
import { writeFileAtomic } from '../studies/run-store.js';
import { type DashboardServer, startDashboard } from './server.js';

/**
 * Options of the Dashboard callback.
 *
 * @example
 * import { Dashboard } from 'tensile';
 * const dash = new Dashboard({ dir: 'runs/my-fit', run: 'baseline', port: 0 });
 */
export interface DashboardArgs {
  /** Directory the run's files go to, laid out like a study's (default 'runs/dashboard'). */
  dir?: string;
  /** Run id within the directory (default 'fit'); fit again with another id to compare runs. */
  run?: string;
  /** Address to serve on (default 127.0.0.1). */
  host?: string;
  /** Port (default 6070; 0 picks a free one). */
  port?: number;
  /** Start the server (default true); false only writes the files, for a `tensile dashboard` elsewhere. */
  serve?: boolean;
}

/**
 * Watch a plain `fit` live: writes the history after every epoch in the study layout
 * (`<dir>/study.json`, `<dir>/runs/<run>/partial.json`, `result.json` at the end) and serves the
 * dashboard on it. The server does not keep the process alive; call `close()` to stop it sooner.
 *
 * @example
 * import { Dashboard, Dense, Sequential, tensor } from 'tensile';
 * const dash = new Dashboard({ dir: 'runs/fit-example', port: 0 });
 * const model = new Sequential([new Dense(1, { inputShape: [2] })]);
 * model.compile({ optimizer: 'sgd', loss: 'mse' });
 * await model.fit(tensor([[0, 1], [1, 0]]), tensor([[1], [0]]), { epochs: 2, verbose: 0, callbacks: [dash] });
 * const state = await (await fetch(`${dash.url}api/state`)).json();
 * console.log(state.studies[0].runs[0].status, state.studies[0].runs[0].epoch); // done 2
 * await dash.close();
 */
export class Dashboard extends Callback {
  readonly dir: string;
  readonly run: string;
  private server: DashboardServer | null = null;
  private starting: Promise<DashboardServer> | null = null;
  private history: Record<string, number[]> = {};
  private seconds: number[] = [];
  private epochStart = 0;

  constructor(private readonly args: DashboardArgs = {}) {
    super();
    this.dir = resolve(args.dir ?? join('runs', 'dashboard'));
    this.run = args.run ?? 'fit';
  }

  /** The dashboard's address once training has begun (null before, or with `serve: false`). */
  get url(): string | null {
    return this.server?.url ?? null;
  }

  override async onTrainBegin(): Promise<void> {
    this.history = {};
    this.seconds = [];
    const epochs = this.params?.epochs ?? 0;
    // Keep the runs of earlier fits into the same directory, so they can be compared.
    const path = join(this.dir, 'study.json');
    const previous = existsSync(path)
      ? (JSON.parse(readFileSync(path, 'utf8')) as { runs: { id: string }[] }).runs
      : [];
    const runs = [
      ...previous.filter((r) => r.id !== this.run),
      { id: this.run, label: this.run, params: { epochs } },
    ];
    writeFileAtomic(path, JSON.stringify({ study: 'fit', options: {}, runs }, null, 1));
    this.writePartial();
    if (this.args.serve === false || this.server) return;
    this.starting ??= startDashboard({ root: this.dir, host: this.args.host, port: this.args.port });
    this.server = await this.starting;
    this.server.server.unref();
    if ((this.params?.verbose ?? 1) > 0) console.log(`Dashboard: ${this.server.url}`);
  }

  override onEpochBegin(): void {
    this.epochStart = performance.now();
  }

  override onEpochEnd(_epoch: number, logs: Logs): void {
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
    this.seconds.push((performance.now() - this.epochStart) / 1000);
    this.writePartial();
  }

  override onTrainEnd(): void {
    const mean = this.seconds.reduce((a, b) => a + b, 0) / Math.max(1, this.seconds.length);
    const result = {
      id: this.run,
      label: this.run,
      history: this.history,
      epochsRun: this.seconds.length,
      secondsPerEpoch: mean,
    };
    writeFileAtomic(join(this.dir, 'runs', this.run, 'result.json'), JSON.stringify(result, null, 1));
  }

  /** Stops the server. */
  async close(): Promise<void> {
    await this.server?.close();
    this.server = null;
    this.starting = null;
  }

  private writePartial(): void {
    const partial = { history: this.history, seconds: this.seconds };
    writeFileAtomic(join(this.dir, 'runs', this.run, 'partial.json'), JSON.stringify(partial));
  }
}
