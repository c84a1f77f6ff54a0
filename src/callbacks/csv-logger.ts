import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { pythonFloat } from '../io/python-format.js';
import { Callback, type Logs } from './callback.js';

/**
 * Options of CSVLogger (Keras' separator and append).
 *
 * @example
 * import { CSVLogger } from 'tensile';
 * const log = new CSVLogger('runs/log.tsv', { separator: '\t' });
 */
export interface CSVLoggerArgs {
  /** Field separator (default ','). */
  separator?: string;
  /** Append to an existing file (for resumed training) instead of overwriting it (default false). */
  append?: boolean;
}

/**
 * Streams each epoch's logs to a CSV file the way Keras' `CSVLogger` writes it: an `epoch` column
 * (from 0) then the log keys sorted, values as Python prints floats, 'NA' for a missing value,
 * `\r\n` line ends, and a header unless appending to a file that already has content. Each row is
 * written as soon as the epoch ends.
 *
 * @example
 * import { CSVLogger } from 'tensile';
 * const log = new CSVLogger('runs/training.csv', { append: true });
 * // await model.fit(x, y, { epochs: 10, callbacks: [log] });
 */
export class CSVLogger extends Callback {
  readonly separator: string;
  readonly append: boolean;
  /** Column keys after 'epoch', fixed by the first epoch's logs. */
  keys: string[] | null = null;
  private fd: number | null = null;
  private writeHeader = true;

  constructor(
    readonly filename: string,
    args: CSVLoggerArgs = {},
  ) {
    super();
    this.separator = args.separator ?? ',';
    this.append = args.append ?? false;
  }

  override onTrainBegin(): void {
    this.close();
    this.writeHeader = true;
    if (this.append && existsSync(this.filename)) {
      this.writeHeader = readFileSync(this.filename, 'utf8').split('\n', 1)[0] === '';
    }
    this.fd = openSync(this.filename, this.append ? 'a' : 'w');
    this.keys = null;
  }

  override onEpochEnd(epoch: number, logs: Logs): void {
    if (this.fd === null) this.onTrainBegin();
    if (this.keys === null) {
      this.keys = Object.keys(logs).sort();
      if (this.writeHeader) this.writeRow(['epoch', ...this.keys]);
    }
    this.writeRow([
      String(epoch),
      ...this.keys.map((k) => (logs[k] === undefined ? 'NA' : pythonFloat(logs[k]!))),
    ]);
  }

  override onTrainEnd(): void {
    this.close();
  }

  private writeRow(fields: string[]): void {
    // Python's csv.excel dialect: quote a field only when it holds the separator, a quote or a newline.
    const quote = (f: string) =>
      f.includes(this.separator) || /["\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f;
    writeSync(this.fd!, `${fields.map(quote).join(this.separator)}\r\n`);
  }

  private close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
