/**
 * Rate-limits progress events: the first value goes out at once, later ones at most every `intervalMs`, and the
 * latest value held back is always sent (a trailing send), so a subscriber sees the newest state at most
 * `intervalMs` late and a burst of callbacks costs one event.
 */
export class Throttle<T> {
  private last = Number.NEGATIVE_INFINITY;
  private pending: T | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly send: (value: T) => void,
  ) {}

  /** Offers the newest value. */
  push(value: T): void {
    const now = performance.now();
    if (now - this.last >= this.intervalMs && !this.timer) {
      this.last = now;
      this.send(value);
      return;
    }
    this.pending = value;
    if (!this.timer) {
      this.timer = setTimeout(() => this.fire(), Math.max(0, this.last + this.intervalMs - now));
    }
  }

  /** Sends a held-back value now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.fire();
  }

  /** Drops a held-back value. */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = null;
  }

  private fire(): void {
    this.timer = null;
    const v = this.pending;
    this.pending = null;
    if (v === null) return;
    this.last = performance.now();
    this.send(v);
  }
}
