import { Callback, type Logs } from './callback.js';

export interface ProgressOutput {
  write(text: string): void;
  readonly isTTY?: boolean;
}

const BAR_WIDTH = 20;

/** Seconds as Keras prints them: '3s', '1m 05s', '1:02:03'. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

function formatPerStep(seconds: number): string {
  if (seconds >= 1) return `${seconds.toFixed(0)}s/step`;
  if (seconds >= 1e-3) return `${(seconds * 1e3).toFixed(0)}ms/step`;
  return `${(seconds * 1e6).toFixed(0)}us/step`;
}

/** ' - accuracy: 0.9123 - loss: 0.2877': keys sorted, so val_ entries follow their training twins. */
export function formatLogs(logs: Logs): string {
  return Object.keys(logs)
    .sort()
    .map((k) => {
      const v = logs[k]!;
      const text = Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(4);
      return ` - ${k}: ${text}`;
    })
    .join('');
}

/**
 * Keras-style progress: `verbose: 1` draws a live bar with ETA and running metrics on a terminal
 * (one final line per epoch elsewhere); `verbose: 2` prints one line per epoch.
 */
export class ProgressBar extends Callback {
  private epochStart = 0;
  private lastDraw = 0;
  private readonly out: ProgressOutput;

  constructor(
    readonly verbose: 1 | 2,
    out?: ProgressOutput,
  ) {
    super();
    this.out = out ?? (process.stdout as ProgressOutput);
  }

  override onEpochBegin(epoch: number): void {
    this.out.write(`Epoch ${epoch + 1}/${this.params!.epochs}\n`);
    this.epochStart = performance.now();
    this.lastDraw = 0;
  }

  override onBatchEnd(batch: number, logs: Logs): void {
    if (this.verbose !== 1 || !this.out.isTTY) return;
    const now = performance.now();
    // Redraw at most 10 times a second: drawing every tiny batch would cost more than the batch.
    if (now - this.lastDraw < 100 && batch + 1 < this.params!.steps) return;
    this.lastDraw = now;
    const done = batch + 1;
    const elapsed = (now - this.epochStart) / 1000;
    const eta = (elapsed / done) * (this.params!.steps - done);
    this.out.write(
      `\r${this.bar(done)} ${formatDuration(eta)} ${formatPerStep(elapsed / done)}${formatLogs(logs)}\x1b[K`,
    );
  }

  override onEpochEnd(_epoch: number, logs: Logs): void {
    const steps = this.params!.steps;
    const elapsed = (performance.now() - this.epochStart) / 1000;
    const perStep = formatPerStep(elapsed / Math.max(steps, 1));
    if (this.verbose === 2) {
      this.out.write(`${steps}/${steps} - ${formatDuration(elapsed)} - ${perStep}${formatLogs(logs)}\n`);
    } else {
      const prefix = this.out.isTTY ? '\r' : '';
      this.out.write(
        `${prefix}${this.bar(steps)} ${formatDuration(elapsed)} ${perStep}${formatLogs(logs)}${this.out.isTTY ? '\x1b[K' : ''}\n`,
      );
    }
  }

  private bar(done: number): string {
    const steps = this.params!.steps;
    const width = String(steps).length;
    const filled = Math.round((done / Math.max(steps, 1)) * BAR_WIDTH);
    const rest = '━'.repeat(BAR_WIDTH - filled);
    const tail = this.out.isTTY ? `\x1b[2m${rest}\x1b[0m` : rest.replace(/━/g, '─');
    return `${String(done).padStart(width)}/${steps} ${'━'.repeat(filled)}${tail}`;
  }
}
