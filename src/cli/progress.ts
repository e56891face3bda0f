// A progress bar on stderr: redrawn in place on a terminal, a line every few seconds otherwise.
import type { Io } from './command.js';

export class Progress {
  private started = Date.now();
  private lastDraw = 0;
  private lastLine = 0;
  private drawn = false;

  constructor(
    private io: Io,
    private label: string,
    private total: number,
  ) {}

  /** done of total; detail is shown after the bar (loss, accuracy…). */
  update(done: number, detail = '', force = false): void {
    const now = Date.now();
    const interval = this.io.isTTY ? 100 : 5000;
    if (!force && now - (this.io.isTTY ? this.lastDraw : this.lastLine) < interval) return;
    const frac = this.total > 0 ? Math.min(1, done / this.total) : 0;
    const elapsed = (now - this.started) / 1000;
    const eta = frac > 0 ? elapsed * (1 / frac - 1) : NaN;
    const width = 24;
    const fill = Math.round(frac * width);
    const bar = `[${'#'.repeat(fill)}${'.'.repeat(width - fill)}]`;
    const text = `${this.label} ${bar} ${(frac * 100).toFixed(0).padStart(3)}% ${formatSeconds(elapsed)} eta ${formatSeconds(eta)} ${detail}`;
    if (this.io.isTTY) {
      this.io.err(`\r\x1b[K${text}`);
      this.lastDraw = now;
      this.drawn = true;
    } else {
      this.io.err(`${text}\n`);
      this.lastLine = now;
    }
  }

  /** Ends the bar at `at` (default: complete), leaving its last state on screen with a final note. */
  done(detail = '', at = this.total): void {
    this.update(at, detail, true);
    if (this.io.isTTY && this.drawn) this.io.err('\n');
  }
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '--:--';
  const m = Math.floor(s / 60);
  const sec = Math.floor(s % 60);
  return m >= 60
    ? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`
    : `${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
}
