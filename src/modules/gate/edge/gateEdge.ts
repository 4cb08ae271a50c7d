/**
 * The gate-side component (卡口端) for degraded mode. It runs beside the lane controller:
 * - keeps a cache of the port's release orders, synced by version cursor from the central service;
 * - asks the central service for each decision; when the link is down (network error, timeout,
 *   5xx) it decides locally with the same rules.ts and appends the decision to a signed,
 *   hash-chained local log (optionally also written to a JSON-lines file);
 * - when the link returns, replays the log; the central service posts the books and reports
 *   conflicts to the officer queue.
 * It talks HTTP only (fetch), so it can run on the gate's own machine.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { decideGate, type GateDecision, type OrderForGate, type Reason, type Tolerance } from '../rules.ts';
import { GENESIS, signedEntry, type LogEntry, type LoggedEvent } from './log.ts';

type Fetch = (url: string, init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal }) => Promise<{ status: number; json(): Promise<unknown> }>;

export interface GateEdgeOptions {
  baseUrl: string;
  apiKey: string;
  portCode: string;
  laneCode: string;
  privateKey?: KeyObject;
  publicKeyPem?: string;
  fetch?: Fetch;
  timeoutMs?: number;
  /** JSON-lines file the signed log is appended to (survives a restart of the gate machine). */
  logFile?: string;
  clock?: () => Date;
}

export interface EdgeAnswer {
  decision: 'PASS' | 'DIVERT';
  reasons: Reason[];
  offline: boolean;
}

interface CachedOrder extends Omit<OrderForGate, 'validFrom' | 'validTo'> {
  validFrom: string;
  validTo: string;
  version: number;
}

class LinkDown extends Error {}

export class GateEdge {
  readonly opts: Required<Omit<GateEdgeOptions, 'logFile' | 'privateKey' | 'publicKeyPem'>> & { logFile?: string };
  private readonly privateKey: KeyObject;
  readonly publicKeyPem: string;
  private orders = new Map<string, CachedOrder>();
  private cursor = 0;
  private tolerance: Tolerance | null = null;
  private log: LogEntry[] = [];
  private replayed = 0;

  constructor(o: GateEdgeOptions) {
    if (o.privateKey && o.publicKeyPem) {
      this.privateKey = o.privateKey;
      this.publicKeyPem = o.publicKeyPem;
    } else {
      const pair = generateKeyPairSync('ed25519');
      this.privateKey = pair.privateKey;
      this.publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    }
    this.opts = { baseUrl: o.baseUrl.replace(/\/$/, ''), apiKey: o.apiKey, portCode: o.portCode, laneCode: o.laneCode, fetch: o.fetch ?? (globalThis.fetch as unknown as Fetch), timeoutMs: o.timeoutMs ?? 1500, clock: o.clock ?? (() => new Date()), ...(o.logFile ? { logFile: o.logFile } : {}) };
    if (o.logFile && existsSync(o.logFile)) {
      this.log = readFileSync(o.logFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as LogEntry);
    }
  }

  private async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const signal = AbortSignal.timeout(this.opts.timeoutMs);
    let res;
    try {
      res = await this.opts.fetch(this.opts.baseUrl + path, { method, headers: { authorization: `ApiKey ${this.opts.apiKey}`, 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), signal });
    } catch (err) {
      throw new LinkDown(String(err));
    }
    if (res.status >= 500) throw new LinkDown(`HTTP ${res.status}`);
    return { status: res.status, body: await res.json() };
  }

  /** Publishes the device's public key (once, or after a key change). */
  async registerKey(): Promise<void> {
    const r = await this.call('POST', '/api/v1/gate/devices/key', { publicKeyPem: this.publicKeyPem });
    if (r.status !== 200) throw new Error(`key registration refused: ${JSON.stringify(r.body)}`);
  }

  /** Pulls order changes after the cursor; returns how many changed. Throws when the link is down. */
  async sync(): Promise<number> {
    let changed = 0;
    for (;;) {
      const r = await this.call('GET', `/api/v1/gate/release-orders/sync?portCode=${encodeURIComponent(this.opts.portCode)}&after=${this.cursor}`);
      if (r.status !== 200) throw new Error(`sync refused: ${JSON.stringify(r.body)}`);
      const b = r.body as { orders: CachedOrder[]; next: number; more: boolean; tolerance: Tolerance };
      for (const o of b.orders) {
        if (o.status === 'CANCELLED') this.orders.delete(o.id);
        else this.orders.set(o.id, o);
      }
      changed += b.orders.length;
      this.tolerance = b.tolerance;
      this.cursor = b.next;
      if (!b.more) return changed;
    }
  }

  /**
   * Reloads the whole cache from cursor 0. Versions are drawn when an order changes, so a change that
   * commits after a later one could be skipped by the cursor; the lane controller calls this hourly.
   */
  async resync(): Promise<number> {
    const saved = { orders: this.orders, cursor: this.cursor };
    this.orders = new Map();
    this.cursor = 0;
    try {
      return await this.sync();
    } catch (err) {
      this.orders = saved.orders;
      this.cursor = saved.cursor;
      throw err;
    }
  }

  get cachedOrders(): number {
    return this.orders.size;
  }

  get pending(): LogEntry[] {
    return this.log.filter((e) => e.seq > this.replayed);
  }

  get entries(): readonly LogEntry[] {
    return this.log;
  }

  /** One truck at the lane: the central answer when the link is up, else a local, logged decision. */
  async handle(event: Omit<LoggedEvent, 'portCode' | 'laneCode'>): Promise<EdgeAnswer> {
    const full: LoggedEvent = { ...event, portCode: this.opts.portCode, laneCode: this.opts.laneCode };
    // Offline entries are replayed first, so the central books see passages in the order they happened.
    if (this.pending.length === 0) {
      try {
        const r = await this.call('POST', '/api/v1/gate/events', full);
        if (r.status === 200) {
          const b = r.body as { decision: 'PASS' | 'DIVERT'; reasons: Reason[] };
          return { decision: b.decision, reasons: b.reasons, offline: false };
        }
        throw new Error(`gate event refused (${r.status}): ${JSON.stringify(r.body)}`);
      } catch (err) {
        if (!(err instanceof LinkDown)) throw err;
      }
    }
    return this.decideLocally(full);
  }

  decideLocally(event: LoggedEvent): EdgeAnswer {
    if (!this.tolerance) {
      // Never synced: nothing to match against, every truck goes to the inspection area.
      return this.logged(event, { decision: 'DIVERT', reasons: [{ code: 'UNKNOWN_PLATE', detail: 'gate offline with no release-order cache' }], releaseOrderId: null, leaving: [], complete: false, expectedWeightKg: null });
    }
    const orders: OrderForGate[] = [...this.orders.values()].map((o) => ({ ...o, validFrom: new Date(o.validFrom), validTo: new Date(o.validTo) }));
    const d = decideGate({ portCode: event.portCode, plate: event.plate, containers: event.containers, weightKg: event.weightKg, sealState: event.sealState, ...(event.seals ? { seals: event.seals } : {}), at: new Date(event.at) }, orders, this.tolerance);
    if (d.decision === 'PASS' && d.releaseOrderId) {
      // The cache learns what left, so a second truck with the same containers is diverted offline too.
      const o = this.orders.get(d.releaseOrderId)!;
      o.passedContainers = [...new Set([...o.passedContainers, ...d.leaving])];
      if (d.complete) o.status = 'PASSED';
    }
    return this.logged(event, d);
  }

  private logged(event: LoggedEvent, d: GateDecision): EdgeAnswer {
    const prev = this.log[this.log.length - 1] ?? { seq: 0, hash: GENESIS };
    const entry = signedEntry(prev, event, d, this.opts.clock(), this.privateKey);
    this.log.push(entry);
    if (this.opts.logFile) appendFileSync(this.opts.logFile, JSON.stringify(entry) + '\n');
    return { decision: d.decision, reasons: d.reasons, offline: true };
  }

  /** Sends the unreplayed log in chunks; returns the central reports. Throws when the link is still down. */
  async replay(chunk = 200): Promise<{ replayedSeq: number; conflicts: { kind: string; eventId: string }[]; posted: number; diverted: number }[]> {
    const reports = [];
    while (this.pending.length) {
      const entries = this.pending.slice(0, chunk);
      const r = await this.call('POST', '/api/v1/gate/replay', { entries });
      if (r.status !== 200) throw new Error(`replay refused (${r.status}): ${JSON.stringify(r.body)}`);
      const b = r.body as { replayedSeq: number; conflicts: { kind: string; eventId: string }[]; posted: number; diverted: number };
      this.replayed = b.replayedSeq;
      reports.push(b);
    }
    return reports;
  }
}
