import { connect, type JetStreamClient, type NatsConnection, JSONCodec, RetentionPolicy } from 'nats';
import type { OutboxEvent } from './service.ts';

export const STREAM = 'TIDEGATE_EVENTS';
export const SUBJECT_PREFIX = 'tidegate.events';

export function subjectFor(e: Pick<OutboxEvent, 'aggregateType' | 'eventType'>): string {
  return `${SUBJECT_PREFIX}.${e.aggregateType}.${e.eventType}`;
}

/**
 * Publishes outbox events to NATS JetStream. The message id is the database instance id plus the
 * event id, so a redelivery after a crash is deduplicated by the stream.
 */
export class NatsPublisher {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly sourceId: string,
  ) {}

  static async connect(url: string, sourceId: string): Promise<NatsPublisher> {
    const nc = await connect({ servers: url, name: 'tidegate', timeout: 5000 });
    const jsm = await nc.jetstreamManager();
    try {
      await jsm.streams.info(STREAM);
    } catch {
      await jsm.streams.add({ name: STREAM, subjects: [`${SUBJECT_PREFIX}.>`], retention: RetentionPolicy.Limits, duplicate_window: 2 * 60 * 1_000_000_000 });
    }
    return new NatsPublisher(nc, nc.jetstream(), sourceId);
  }

  private readonly codec = JSONCodec();

  async publish(event: OutboxEvent): Promise<void> {
    await this.js.publish(subjectFor(event), this.codec.encode(serialiseEvent(event)), { msgID: `${this.sourceId}-${event.id}` });
  }

  async close(): Promise<void> {
    await this.nc.drain();
  }
}

export function serialiseEvent(e: OutboxEvent) {
  return {
    id: e.id,
    aggregateType: e.aggregateType,
    aggregateId: e.aggregateId,
    eventType: e.eventType,
    payload: e.payload,
    auditSeq: e.auditSeq,
    occurredAt: e.occurredAt.toISOString(),
  };
}
