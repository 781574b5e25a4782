import { ingestMetrics, type MetricPoint, type Sql } from '@basin/db';

/**
 * Buffers a run's metric points and writes them with {@link ingestMetrics} (idempotent on run, key and step) when
 * `batch` points are waiting or the oldest has waited `maxDelayMs`. Writes happen one at a time, in order.
 */
export class MetricBuffer {
  private points: MetricPoint[] = [];
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown = null;

  constructor(
    private readonly sql: Sql,
    private readonly runId: string,
    private readonly options: { batch: number; maxDelayMs: number },
  ) {}

  /** Adds points (non-finite values are dropped: the database stores numbers only). */
  add(points: readonly MetricPoint[]): void {
    for (const p of points) if (Number.isFinite(p.value)) this.points.push(p);
    if (this.points.length >= this.options.batch) void this.write();
    else if (!this.timer && this.points.length > 0)
      this.timer = setTimeout(() => void this.write(), this.options.maxDelayMs);
  }

  /** Writes everything buffered and waits for it. @throws the first write error. */
  async flush(): Promise<void> {
    await this.write();
    if (this.failure) throw this.failure;
  }

  /** Drops what is buffered (the run is being abandoned). */
  discard(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.points = [];
  }

  private write(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.points;
    this.points = [];
    if (batch.length > 0) {
      this.chain = this.chain.then(async () => {
        try {
          await ingestMetrics(this.sql, this.runId, batch);
        } catch (err) {
          this.failure ??= err;
        }
      });
    }
    return this.chain;
  }
}
