import { formatDuration } from '../callbacks/progress-bar.js';
import type { RunProgress, RunResult } from './types.js';

interface Output {
  write(text: string): void;
  readonly isTTY?: boolean;
}

/**
 * Study progress: one line per finished run, per-epoch lines, and (on a terminal) a live status
 * line for the runs in progress with the total ETA.
 */
export class StudyProgress {
  private readonly active = new Map<string, RunProgress>();
  private finished = 0;
  private epochSeconds: number[] = [];
  private lastDraw = 0;

  constructor(
    private readonly total: number,
    /** Epoch budget of runs not yet started, for the ETA. */
    private pendingEpochs: number,
    private readonly jobs: number,
    private readonly out: Output = process.stdout as Output,
  ) {}

  started(epochs: number): void {
    this.pendingEpochs -= epochs;
  }

  update(p: RunProgress): void {
    const previous = this.active.get(p.id);
    this.active.set(p.id, p);
    if (previous && p.epoch > previous.epoch) {
      const seconds = p.elapsed / Math.max(p.epoch, 1);
      this.epochSeconds.push(seconds);
      const logs = Object.entries(previous.logs)
        .map(([k, v]) => `${k} ${v.toFixed(4)}`)
        .join(', ');
      this.line(`  ${p.id} epoch ${p.epoch}/${p.epochs}: ${logs} (${seconds.toFixed(1)} s/epoch)`);
    }
    this.draw(false);
  }

  done(result: RunResult, summary: string): void {
    this.active.delete(result.id);
    this.finished++;
    this.line(`✓ [${this.finished}/${this.total}] ${result.id}: ${summary}`);
  }

  skipped(id: string): void {
    this.finished++;
    this.line(`• [${this.finished}/${this.total}] ${id}: already finished, skipped`);
  }

  /** Estimated seconds left: remaining epoch budget at the mean measured epoch time, spread over jobs. */
  eta(): number | null {
    if (this.epochSeconds.length === 0) return null;
    const mean = this.epochSeconds.reduce((a, b) => a + b, 0) / this.epochSeconds.length;
    let epochs = this.pendingEpochs;
    for (const p of this.active.values()) epochs += p.epochs - p.epoch - p.batch / Math.max(p.batches, 1);
    return (epochs * mean) / Math.max(1, Math.min(this.jobs, this.active.size || 1));
  }

  private line(text: string): void {
    if (this.out.isTTY) this.out.write('\r\x1b[K');
    this.out.write(`${text}\n`);
    this.draw(true);
  }

  private draw(force: boolean): void {
    if (!this.out.isTTY || this.active.size === 0) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 200) return;
    this.lastDraw = now;
    const parts = [...this.active.values()].map((p) => {
      const frac = (p.epoch + p.batch / Math.max(p.batches, 1)) / Math.max(p.epochs, 1);
      const filled = Math.round(frac * 12);
      return `${p.id} ep ${p.epoch + 1}/${p.epochs} ${'━'.repeat(filled)}${'─'.repeat(12 - filled)}${p.logs.loss !== undefined ? ` loss ${p.logs.loss.toFixed(3)}` : ''}`;
    });
    const eta = this.eta();
    const cols = (process.stdout as { columns?: number }).columns ?? 120;
    const text = `[${this.finished}/${this.total}] ${parts.join(' | ')}${eta !== null ? ` | ETA ≤ ${formatDuration(eta)}` : ''}`;
    this.out.write(`\r\x1b[K${text.slice(0, cols - 1)}`);
  }
}
