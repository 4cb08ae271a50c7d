import { appendAuditMany, type AppendedEntry, type AuditInput } from './audit/service.ts';
import { together, type Executor } from './db/client.ts';
import { enqueueEvents, type NewEvent } from './outbox/service.ts';

/** An audit entry collected in a batch; its seq is known once the batch is flushed. */
export interface AuditRef {
  readonly index: number;
}

/** The seq an entry of the batch got, for the writes that record it (inside `defer` only). */
export type SeqOf = (ref: AuditRef) => number;

/**
 * The fast write path of a command (decision 0008, generalised): the audit entries, the writes that
 * carry their seqs and the outbox events a command produces are collected while it decides, and
 * written at its end in one audit append: one round trip that locks the heads of the entries'
 * partitions (ascending) and draws their seqs, and one that writes the entries, moves the heads and
 * issues every deferred write and the outbox events, pipelined, in the order they were collected.
 * Modules stop passing audit sequence numbers to each other: a write that records an entry's seq
 * is deferred with its `AuditRef` and reads the seq when it is issued.
 *
 * `runCommand` gives every command a batch and flushes it before the commit (and before the
 * idempotency record). A deferred write must issue its statements without awaiting anything first
 * (they are pipelined behind the audit writes), and nothing may read what it writes before the flush:
 * defer only writes that no later step of the command reads.
 */
export class WriteBatch {
  private readonly entries: AuditInput[] = [];
  private readonly deferred: ((seqOf: SeqOf) => Promise<unknown>)[] = [];
  private readonly events: { event: Omit<NewEvent, 'auditSeq'>; audit: AuditRef | null }[] = [];
  private flushed = false;

  /** Collects an audit entry; entries of one partition chain in the order collected. */
  audit(input: AuditInput): AuditRef {
    this.assertOpen();
    this.entries.push(input);
    return { index: this.entries.length - 1 };
  }

  /** A write issued in the flush's last round trip, after the audit entries, in the order deferred. */
  defer(write: (seqOf: SeqOf) => Promise<unknown>): void {
    this.assertOpen();
    this.deferred.push(write);
  }

  /** An outbox event, written in the flush's last round trip with the seq of `audit` (if any). */
  event(event: Omit<NewEvent, 'auditSeq'>, audit: AuditRef | null = null): void {
    this.assertOpen();
    this.events.push({ event, audit });
  }

  get isEmpty(): boolean {
    return this.entries.length === 0 && this.deferred.length === 0 && this.events.length === 0;
  }

  /** Writes everything collected; once per batch. Returns the audit entries appended, in order. */
  async flush(tx: Executor): Promise<AppendedEntry[]> {
    this.assertOpen();
    this.flushed = true;
    if (this.isEmpty) return [];
    const writeAll = (appended: AppendedEntry[]) => {
      const seqOf: SeqOf = (ref) => {
        const entry = appended[ref.index];
        if (!entry) throw new Error(`write batch: no audit entry ${ref.index}`);
        return entry.seq;
      };
      const events: NewEvent[] = this.events.map(({ event, audit }) =>
        audit ? { ...event, auditSeq: seqOf(audit) } : event,
      );
      return together([...this.deferred.map((w) => w(seqOf)), enqueueEvents(tx, events)]);
    };
    if (this.entries.length === 0) {
      await writeAll([]);
      return [];
    }
    return appendAuditMany(tx, this.entries, writeAll);
  }

  private assertOpen() {
    if (this.flushed) throw new Error('write batch already flushed: a command writes through it before its end');
  }
}
