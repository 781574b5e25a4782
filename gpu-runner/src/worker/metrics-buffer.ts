import {
  ingestMetrics,
  type MetricPoint,
  RunNotHeldError,
  retryWhileDatabaseAway,
  type Sql,
} from '@basin/db';
import { LostLeaseError } from './context';

/**
 * Buffers a run's metric points and writes them with {@link ingestMetrics} (idempotent on run, key and step) when
 * `batch` points are waiting or the oldest has waited `maxDelayMs`. Writes happen one at a time, in order.
 * Each write is fenced on the run's worker id (`heldBy`), and retried while the database is away (a restart):
 * being idempotent, a batch that reached the server before its connection died is simply written again.
 */
export class MetricBuffer {
  private points: MetricPoint[] = [];
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown = null;

  constructor(
    private readonly sql: Sql,
    private readonly runId: string,
    private readonly options: {
      batch: number;
      maxDelayMs: number;
      /** The runner's worker id: writes are refused once the run is no longer held by it. */
      heldBy: string;
      /** How long to keep retrying a write while the database is unreachable, ms. */
      outageMs: number;
      onRetry?: (err: unknown, attempt: number) => void;
    },
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
        if (this.failure) return; // after a failure nothing more is written (the run is ending)
        try {
          await retryWhileDatabaseAway(
            `writing ${batch.length} metric points of run ${this.runId}`,
            () => ingestMetrics(this.sql, this.runId, batch, { heldBy: this.options.heldBy }),
            { maxWaitMs: this.options.outageMs, onRetry: this.options.onRetry },
          );
        } catch (err) {
          this.failure ??= err instanceof RunNotHeldError ? new LostLeaseError(err.message) : err;
        }
      });
    }
    return this.chain;
  }
}
