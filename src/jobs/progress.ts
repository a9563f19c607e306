// Progress of a command-line job on stderr: a redrawn bar when stderr is a terminal, otherwise (logs, CI, a
// pipe) one plain line every few seconds, so the output stays readable and small.
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

const LINE_INTERVAL_MS = 5000;

export class ProgressReporter {
  private readonly started = Date.now();
  private lastLine = 0;
  private drawn = false;

  constructor(private readonly out: ProgressStream, private readonly label: string) {}

  update(done: number, total: number): void {
    const now = Date.now();
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const rate = done / seconds;
    const fraction = total > 0 ? Math.min(1, done / total) : 0;
    const eta = rate > 0 && total > done ? Math.round((total - done) / rate) : 0;
    const figures = `${Math.floor(fraction * 100)}% ${fmt(done)}/${fmt(total)} users, ${fmt(Math.round(rate))}/s, ${eta} s left`;
    if (this.out.isTTY) {
      const width = Math.max(10, Math.min(40, (this.out.columns ?? 80) - figures.length - this.label.length - 6));
      const filled = Math.round(fraction * width);
      this.out.write(`\r${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${figures}\x1b[K`);
      this.drawn = true;
    } else if (now - this.lastLine >= LINE_INTERVAL_MS || done >= total) {
      this.out.write(`${this.label}: ${figures}\n`);
      this.lastLine = now;
    }
  }

  /** Ends the bar's line so what follows starts on a fresh one. */
  finish(): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}

const fmt = (n: number): string => n.toLocaleString('en');
