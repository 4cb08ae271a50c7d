import { connect, JSONCodec, RetentionPolicy } from 'nats';
import type { JetStreamClient, JetStreamManager, NatsConnection, NatsError } from 'nats';
import type { Logger } from 'pino';
import { DEFAULT_DISPATCH } from './dispatcher.ts';
import type { OutboxEvent } from './service.ts';

/**
 * Outbox events on NATS JetStream, in two streams that no permission mixes up (docs/operations.md,
 * "NATS subjects and permissions"):
 * - internal, `tidegate.internal.<aggregate>.<event>` in stream `TIDEGATE_INTERNAL`: every event,
 *   risk verdicts included, for Tidegate's own consumers only;
 * - shared, `tidegate.shared.<aggregate>.<event>` in stream `TIDEGATE_SHARED`: the events a
 *   department may be given (`SHARED_EVENTS`), published there as well.
 * Separate streams, not only separate subjects: a client allowed to create consumers on a stream
 * reads every subject in it, whatever its subscribe permissions say.
 */
export interface NatsLayout {
  /** First token of every subject. */
  root: string;
  internalStream: string;
  sharedStream: string;
  /** How long each stream remembers message ids to drop a second copy. */
  duplicateWindowMs: number;
  /**
   * Copies of each stream in a NATS cluster (1, or 3 for a stream that outlives the loss of a
   * server: JetStream replicates it by Raft and acknowledges a publish once a majority holds it). Default 1.
   */
  replicas?: number;
}

/**
 * The outbox redelivers an event it may already have published when a delivery round failed after
 * the publish (retried within `maxBackoffMs`, 30 s), or when another process read the cursor before
 * the one that published saved it (within a round). The streams remember ids for ten minutes, many
 * times that. A redelivery after longer — a process that died before saving its cursor and came back
 * later — is caught by the publisher itself, which asks the stream what it holds before publishing
 * after a start or a failure.
 */
export const DUPLICATE_WINDOW_MS = 10 * 60_000;
if (DUPLICATE_WINDOW_MS < 4 * DEFAULT_DISPATCH.maxBackoffMs) {
  throw new Error('The NATS duplicate window must outlast the outbox retries.');
}

export const DEFAULT_LAYOUT: NatsLayout = {
  root: 'tidegate',
  internalStream: 'TIDEGATE_INTERNAL',
  sharedStream: 'TIDEGATE_SHARED',
  duplicateWindowMs: DUPLICATE_WINDOW_MS,
  replicas: 1,
};

/** The stream of releases before the split: every event on `tidegate.events.>`, verdicts among them. Not written. */
export const LEGACY_STREAM = 'TIDEGATE_EVENTS';

/**
 * The events a department may be given: what the credit feed and webhooks share already (class
 * changes with their reasons), subjects' registrations and qualifications, exchange rates loaded.
 * Everything else — risk assessments and models, declarations and their states, inspections, gates,
 * books — is internal.
 */
export const SHARED_EVENTS: Readonly<Record<string, readonly string[]>> = {
  credit: ['CreditClassChanged'],
  enterprise: ['EnterpriseRegistered', 'QualificationGranted', 'QualificationRelinquished'],
  'exchange-rates': ['ExchangeRatesLoaded'],
};

type Routed = Pick<OutboxEvent, 'aggregateType' | 'eventType'>;

export function internalSubject(e: Routed, layout: NatsLayout = DEFAULT_LAYOUT): string {
  return `${layout.root}.internal.${e.aggregateType}.${e.eventType}`;
}

/** The shared subject of an event departments may be given, else null. */
export function sharedSubject(e: Routed, layout: NatsLayout = DEFAULT_LAYOUT): string | null {
  if (!SHARED_EVENTS[e.aggregateType]?.includes(e.eventType)) return null;
  return `${layout.root}.shared.${e.aggregateType}.${e.eventType}`;
}

/**
 * `nats://user:password@host:port`: the client takes the user and password apart from the address.
 * Several servers of a cluster are given comma-separated (`nats://a:4222,nats://b:4222,nats://c:4222`):
 * the client starts at one and moves to another when the one it is connected to goes away (it also
 * learns the cluster's other servers from the one it reaches, but a list still lets it start while
 * one of them is down). Credentials on any of them are taken for all.
 */
export function serverOptions(url: string): { servers: string[]; user?: string; pass?: string } {
  let credentials: { user: string; pass: string } | undefined;
  const servers = url
    .split(',')
    .map((one) => one.trim())
    .filter((one) => one !== '')
    .map((one) => {
      const m = /^([a-z]+:\/\/)([^:@/]+):([^@/]*)@(.+)$/.exec(one);
      if (!m) return one;
      credentials ??= { user: decodeURIComponent(m[2]!), pass: decodeURIComponent(m[3]!) };
      return `${m[1]}${m[4]}`;
    });
  return { servers, ...credentials };
}

const apiErrorCode = (err: unknown) => (err as NatsError).api_error?.err_code;
const STREAM_NOT_FOUND = 10059;
const STREAM_NAME_IN_USE = 10058;
const NO_MESSAGE_FOUND = 10037;

/** Creates the stream, or raises the duplicate window and the replicas of one created with less. */
async function ensureStream(
  jsm: JetStreamManager,
  name: string,
  subject: string,
  windowMs: number,
  replicas: number,
): Promise<void> {
  const window = windowMs * 1_000_000;
  for (let attempt = 0; ; attempt++) {
    try {
      const info = await jsm.streams.info(name);
      if (info.config.duplicate_window < window || info.config.num_replicas < replicas) {
        await jsm.streams.update(name, {
          ...info.config,
          duplicate_window: Math.max(window, info.config.duplicate_window),
          num_replicas: Math.max(replicas, info.config.num_replicas),
        });
      }
      return;
    } catch (err) {
      if (apiErrorCode(err) !== STREAM_NOT_FOUND || attempt > 0) throw err;
    }
    try {
      await jsm.streams.add({
        name,
        subjects: [subject],
        retention: RetentionPolicy.Limits,
        duplicate_window: window,
        num_replicas: replicas,
      });
      return;
    } catch (err) {
      // Another process created it meanwhile: check its window on the next turn.
      if (apiErrorCode(err) !== STREAM_NAME_IN_USE) throw err;
    }
  }
}

/**
 * Publishes outbox events to the internal stream, and those on the shared list to the shared
 * stream too. The message id is the database instance id plus the event id, so a second copy within
 * the duplicate window is dropped by the stream. Beyond it: the dispatcher hands events over in id
 * order, so the last message of a subject that this instance wrote tells which of its events the
 * subject holds; after a start, or after any failure (an ack may have been lost), that is asked
 * before publishing on the subject, and what is already there is not published again.
 */
export class NatsPublisher {
  /** Per stream and subject: the highest event id of ours known there (-1: none, or another source wrote last). */
  private readonly known = new Map<string, number>();
  private readonly codec = JSONCodec();

  private constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly js: JetStreamClient,
    private readonly sourceId: string,
    readonly layout: NatsLayout,
  ) {}

  static async connect(url: string, sourceId: string, opts: { layout?: Partial<NatsLayout>; log?: Logger } = {}) {
    const layout = { ...DEFAULT_LAYOUT, ...opts.layout };
    // Reconnects without end (the client's default gives up after ten tries, some twenty seconds):
    // a cluster's server restarting, or all of them for longer, must not leave the outbox without
    // a connection until the process restarts; meanwhile the publish fails and the outbox retries.
    const nc = await connect({ ...serverOptions(url), name: 'tidegate', timeout: 5000, maxReconnectAttempts: -1 });
    const jsm = await nc.jetstreamManager();
    const { duplicateWindowMs: window, replicas = 1 } = layout;
    await ensureStream(jsm, layout.internalStream, `${layout.root}.internal.>`, window, replicas);
    await ensureStream(jsm, layout.sharedStream, `${layout.root}.shared.>`, window, replicas);
    if (layout.root === DEFAULT_LAYOUT.root) await warnOfLegacyStream(jsm, opts.log);
    return new NatsPublisher(nc, jsm, nc.jetstream(), sourceId, layout);
  }

  async publish(event: OutboxEvent): Promise<void> {
    try {
      await this.put(this.layout.internalStream, internalSubject(event, this.layout), event);
      const shared = sharedSubject(event, this.layout);
      if (shared) await this.put(this.layout.sharedStream, shared, event);
    } catch (err) {
      this.known.clear();
      throw err;
    }
  }

  private async put(stream: string, subject: string, event: OutboxEvent): Promise<void> {
    const key = `${stream} ${subject}`;
    const last = this.known.get(key) ?? (await this.lastOfOurs(stream, subject));
    this.known.set(key, last);
    if (event.id <= last) return;
    const data = this.codec.encode(serialiseEvent(event));
    await this.js.publish(subject, data, { msgID: `${this.sourceId}-${event.id}`, expect: { streamName: stream } });
    this.known.set(key, event.id);
  }

  /** The event id of the subject's last message in the stream when this instance wrote it, else -1. */
  private async lastOfOurs(stream: string, subject: string): Promise<number> {
    try {
      const msg = await this.jsm.streams.getMessage(stream, { last_by_subj: subject });
      const id = msg.header.get('Nats-Msg-Id');
      const prefix = `${this.sourceId}-`;
      return id.startsWith(prefix) && /^\d+$/.test(id.slice(prefix.length)) ? Number(id.slice(prefix.length)) : -1;
    } catch (err) {
      if (apiErrorCode(err) === NO_MESSAGE_FOUND) return -1;
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.nc.drain();
  }
}

async function warnOfLegacyStream(jsm: JetStreamManager, log: Logger | undefined): Promise<void> {
  try {
    const info = await jsm.streams.info(LEGACY_STREAM);
    const why =
      'the old events stream holds risk verdicts beside shareable events and is no longer written: ' +
      'delete it once its readers have moved (docs/operations.md)';
    log?.warn({ stream: LEGACY_STREAM, messages: info.state.messages }, why);
  } catch (err) {
    if (apiErrorCode(err) !== STREAM_NOT_FOUND) throw err;
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
