import type { BasinEvent, EventBus } from '@basin/db';
import type { Logger } from '@basin/service';

/**
 * Publishes a job's progress events in order without making the engine wait: each publish is chained after the
 * previous one (a pool would otherwise let a later event overtake an earlier one), and a failed publish is
 * logged, never fatal. `idle()` resolves once everything queued is out (call it before a status change, so
 * subscribers never see progress after the final status).
 */
export class OrderedPublisher {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly bus: EventBus,
    private readonly log: Logger,
  ) {}

  publish(event: BasinEvent): void {
    this.chain = this.chain
      .then(() => this.bus.publish(event))
      .catch((err) => this.log.warn(`event ${event.type} not published: ${(err as Error).message}`));
  }

  idle(): Promise<void> {
    return this.chain;
  }
}
