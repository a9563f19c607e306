/** Cuts NDJSON arriving in chunks into lines, holding at most one unfinished line in memory. */
import { ImportFileError } from './import-file-error.ts';

const NEWLINE = 0x0a;

export class NdjsonSplitter {
  private parts: Buffer[] = [];
  private partsBytes = 0;
  /** Lines emitted so far, blank ones included, so callers can name a line by its number. */
  lines = 0;

  constructor(private readonly maxLineBytes: number) {}

  /** Appends every line this chunk completes (without its "\n"; a "\r" is left for JSON.parse to skip). */
  push(chunk: Buffer, out: string[]): void {
    let pos = 0;
    let nl: number;
    while ((nl = chunk.indexOf(NEWLINE, pos)) !== -1) {
      out.push(this.take(chunk, pos, nl));
      pos = nl + 1;
    }
    if (pos < chunk.length) {
      this.parts.push(chunk.subarray(pos));
      this.partsBytes += chunk.length - pos;
      if (this.partsBytes > this.maxLineBytes) throw this.lineTooLarge();
    }
  }

  /** The last line, when the file does not end with a newline. */
  end(out: string[]): void {
    if (this.partsBytes > 0) out.push(this.take(Buffer.alloc(0), 0, 0));
  }

  private take(chunk: Buffer, start: number, end: number): string {
    const bytes = this.partsBytes + (end - start);
    if (bytes > this.maxLineBytes) throw this.lineTooLarge();
    this.lines++;
    if (this.parts.length === 0) return chunk.toString('utf8', start, end);
    const text = Buffer.concat([...this.parts, chunk.subarray(start, end)], bytes).toString('utf8');
    this.parts = [];
    this.partsBytes = 0;
    return text;
  }

  private lineTooLarge(): ImportFileError {
    return new ImportFileError('user_too_large',
      `Line ${this.lines + 1} of the users file is larger than the maximum of ${this.maxLineBytes} bytes per user.`);
  }
}
