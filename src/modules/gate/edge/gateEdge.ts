/**
 * The gate-side component (卡口端) for degraded mode. It runs beside the lane controller:
 * - keeps a cache of the port's release orders, synced by version cursor from the central service;
 * - asks the central service for each decision; when the link is down (network error, timeout,
 *   5xx) it decides locally with the same rules.ts and appends the decision to a signed,
 *   hash-chained local log (optionally also written to a JSON-lines file);
 * - when the link returns, replays the log; the central service posts the books and reports
 *   conflicts to the officer queue;
 * - keeps its signing key, the release-order cache and how far its log was replayed in a state
 *   file (`stateFile`), so a restart during an outage neither orphans the log (a new key could not
 *   replay what the old one signed) nor leaves the lane without its cache.
 * It talks HTTP only (fetch), so it can run on the gate's own machine.
 */
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { decideGate, type GateDecision, type OrderForGate, type Reason, type Tolerance } from '../rules.ts';
import { endorseRotation, GENESIS, signedEntry, type KeyRotation, type LogEntry, type LoggedEvent } from './log.ts';

type Fetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal },
) => Promise<{ status: number; json(): Promise<unknown> }>;

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
  /**
   * JSON file of the lane's state: its signing key (private, file mode 0600), a key rotation under
   * way, the release-order cache with its cursor and tolerance, and the last replayed entry. Read
   * at start when it exists (the key in it wins over `privateKey`), written whenever they change.
   */
  stateFile?: string;
  clock?: () => Date;
}

/** What `stateFile` holds. */
interface EdgeState {
  version: 1;
  privateKeyPem: string;
  publicKeyPem: string;
  /** A rotation sent (or to be sent) to the centre: its key signs the entries from `fromSeq`. */
  rotation: (KeyRotation & { privateKeyPem: string }) | null;
  replayedSeq: number;
  cursor: number;
  tolerance: Tolerance | null;
  orders: CachedOrder[];
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

const newKeyPair = () => {
  const pair = generateKeyPairSync('ed25519');
  const publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return { privateKey: pair.privateKey, publicKeyPem };
};
const privatePem = (k: KeyObject) => k.export({ type: 'pkcs8', format: 'pem' }).toString();

export class GateEdge {
  readonly opts: Required<Omit<GateEdgeOptions, 'logFile' | 'stateFile' | 'privateKey' | 'publicKeyPem'>> & {
    logFile?: string;
    stateFile?: string;
  };
  private privateKey: KeyObject;
  private keyPem: string;
  private rotation: (KeyRotation & { privateKey: KeyObject }) | null = null;
  private orders = new Map<string, CachedOrder>();
  private cursor = 0;
  private tolerance: Tolerance | null = null;
  private log: LogEntry[] = [];
  private replayed = 0;
  /** A key made here, with no saved state: the lane asks the centre for a new log when it registers it. */
  private readonly freshKey: boolean;

  constructor(o: GateEdgeOptions) {
    this.opts = {
      baseUrl: o.baseUrl.replace(/\/$/, ''),
      apiKey: o.apiKey,
      portCode: o.portCode,
      laneCode: o.laneCode,
      fetch: o.fetch ?? (globalThis.fetch as unknown as Fetch),
      timeoutMs: o.timeoutMs ?? 1500,
      clock: o.clock ?? (() => new Date()),
      ...(o.logFile ? { logFile: o.logFile } : {}),
      ...(o.stateFile ? { stateFile: o.stateFile } : {}),
    };
    const saved =
      o.stateFile && existsSync(o.stateFile) ? (JSON.parse(readFileSync(o.stateFile, 'utf8')) as EdgeState) : null;
    const given = o.privateKey && o.publicKeyPem ? { privateKey: o.privateKey, publicKeyPem: o.publicKeyPem } : null;
    const restored = saved && { privateKey: createPrivateKey(saved.privateKeyPem), publicKeyPem: saved.publicKeyPem };
    const key = restored ?? given ?? newKeyPair();
    this.freshKey = !saved && !given;
    this.privateKey = key.privateKey;
    this.keyPem = key.publicKeyPem;
    if (saved) {
      if (saved.rotation) {
        const { privateKeyPem, ...rotation } = saved.rotation;
        this.rotation = { ...rotation, privateKey: createPrivateKey(privateKeyPem) };
      }
      this.replayed = saved.replayedSeq;
      this.cursor = saved.cursor;
      this.tolerance = saved.tolerance;
      this.orders = new Map(saved.orders.map((x) => [x.id, x]));
    }
    if (o.logFile && existsSync(o.logFile)) {
      this.log = readFileSync(o.logFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as LogEntry);
    }
    this.overlayPending();
    // The key is on disk before it signs anything or is registered.
    this.save();
  }

  /** The public key the centre verifies this lane's entries with (after a rotation is registered: the new one). */
  get publicKeyPem(): string {
    return this.keyPem;
  }

  /** Writes the state file (whole, then renamed over the old one, so a crash leaves one or the other). */
  private save(): void {
    const file = this.opts.stateFile;
    if (!file) return;
    const r = this.rotation;
    const state: EdgeState = {
      version: 1,
      privateKeyPem: privatePem(this.privateKey),
      publicKeyPem: this.keyPem,
      rotation: r && {
        publicKeyPem: r.publicKeyPem,
        fromSeq: r.fromSeq,
        endorsement: r.endorsement,
        privateKeyPem: privatePem(r.privateKey),
      },
      replayedSeq: this.replayed,
      cursor: this.cursor,
      tolerance: this.tolerance,
      orders: [...this.orders.values()],
    };
    writeFileSync(`${file}.tmp`, JSON.stringify(state), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  }

  /**
   * What the lane decided offline and has not replayed yet, applied to the cache: a sync before the
   * replay brings the centre's view, which does not know it yet (a passage, a divert's hold).
   */
  private overlayPending(): void {
    for (const e of this.pending) this.applyLocally(e.decision);
  }

  private applyLocally(d: GateDecision): void {
    const o = d.releaseOrderId ? this.orders.get(d.releaseOrderId) : undefined;
    if (!o) return;
    if (d.decision === 'PASS') {
      // The cache learns what left, so a second truck with the same containers is diverted offline too.
      o.passedContainers = [...new Set([...o.passedContainers, ...d.leaving])];
      if (d.complete) o.status = 'PASSED';
    } else {
      // Diverted to the inspection area: the order is held at this lane until the centre has the
      // divert, as the centre holds it once the inspection task is open (INSPECTION_HOLD).
      o.held = true;
    }
  }

  private async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const signal = AbortSignal.timeout(this.opts.timeoutMs);
    let res: Awaited<ReturnType<Fetch>>;
    try {
      res = await this.opts.fetch(this.opts.baseUrl + path, {
        method,
        headers: { authorization: `ApiKey ${this.opts.apiKey}`, 'content-type': 'application/json' },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal,
      });
    } catch (err) {
      throw new LinkDown(String(err));
    }
    if (res.status >= 500) throw new LinkDown(`HTTP ${res.status}`);
    return { status: res.status, body: await res.json() };
  }

  /**
   * Registers the lane's key with the centre: at every start (the same key again changes nothing),
   * and a rotation under way before anything else, so the centre never sees the old key as a new one.
   */
  async registerKey(): Promise<void> {
    if (this.rotation) return this.completeRotation();
    // A key made at this start (no state file, or a lane that lost it) cannot continue any earlier log.
    const body = { publicKeyPem: this.keyPem, ...(this.freshKey ? { newLog: true } : {}) };
    const r = await this.call('POST', '/api/v1/gate/devices/key', body);
    if (r.status !== 200) throw new Error(`key registration refused: ${JSON.stringify(r.body)}`);
  }

  /**
   * Rotates the signing key with an overlap: a new key signs from the next log entry, endorsed by the
   * current one; the centre keeps the current key for the entries before it until they are replayed.
   * The new key is saved before it is sent, and signs new entries at once even if the link drops
   * before the centre answers: the rotation is sent again before the next replay.
   */
  async rotateKey(): Promise<void> {
    if (this.rotation) throw new Error('a key rotation is already under way; registerKey() completes it');
    const next = newKeyPair();
    const fromSeq = (this.log[this.log.length - 1]?.seq ?? 0) + 1;
    this.rotation = { ...endorseRotation(next.publicKeyPem, fromSeq, this.privateKey), privateKey: next.privateKey };
    this.save();
    await this.completeRotation();
  }

  private async completeRotation(): Promise<void> {
    const r = this.rotation!;
    const body = { publicKeyPem: r.publicKeyPem, fromSeq: r.fromSeq, endorsement: r.endorsement };
    const res = await this.call('POST', '/api/v1/gate/devices/key', body);
    if (res.status !== 200) {
      // Refused (e.g. the entries of the key before are not replayed yet): dropped while it signed nothing.
      if ((this.log[this.log.length - 1]?.seq ?? 0) < r.fromSeq) {
        this.rotation = null;
        this.save();
      }
      throw new Error(`key rotation refused: ${JSON.stringify(res.body)}`);
    }
    this.privateKey = r.privateKey;
    this.keyPem = r.publicKeyPem;
    this.rotation = null;
    this.save();
  }

  /** Pulls order changes after the cursor; returns how many changed. Throws when the link is down. */
  async sync(): Promise<number> {
    let changed = 0;
    for (;;) {
      const r = await this.call(
        'GET',
        `/api/v1/gate/release-orders/sync?portCode=${encodeURIComponent(this.opts.portCode)}&after=${this.cursor}`,
      );
      if (r.status !== 200) throw new Error(`sync refused: ${JSON.stringify(r.body)}`);
      const b = r.body as { orders: CachedOrder[]; next: number; more: boolean; tolerance: Tolerance };
      for (const o of b.orders) {
        if (o.status === 'CANCELLED') this.orders.delete(o.id);
        else this.orders.set(o.id, o);
      }
      changed += b.orders.length;
      this.tolerance = b.tolerance;
      this.cursor = b.next;
      if (!b.more) break;
    }
    this.overlayPending();
    this.save();
    return changed;
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
      return this.logged(event, {
        decision: 'DIVERT',
        reasons: [{ code: 'UNKNOWN_PLATE', detail: 'gate offline with no release-order cache' }],
        releaseOrderId: null,
        leaving: [],
        complete: false,
        expectedWeightKg: null,
      });
    }
    const orders: OrderForGate[] = [...this.orders.values()].map((o) => ({
      ...o,
      validFrom: new Date(o.validFrom),
      validTo: new Date(o.validTo),
    }));
    const d = decideGate(
      {
        portCode: event.portCode,
        plate: event.plate,
        containers: event.containers,
        weightKg: event.weightKg,
        sealState: event.sealState,
        ...(event.seals ? { seals: event.seals } : {}),
        at: new Date(event.at),
      },
      orders,
      this.tolerance,
    );
    this.applyLocally(d);
    return this.logged(event, d);
  }

  private logged(event: LoggedEvent, d: GateDecision): EdgeAnswer {
    const prev = this.log[this.log.length - 1] ?? { seq: 0, hash: GENESIS };
    // Once a rotation is under way, its key signs from its first entry on.
    const key = this.rotation && prev.seq + 1 >= this.rotation.fromSeq ? this.rotation.privateKey : this.privateKey;
    const entry = signedEntry(prev, event, d, this.opts.clock(), key);
    this.log.push(entry);
    if (this.opts.logFile) appendFileSync(this.opts.logFile, JSON.stringify(entry) + '\n');
    return { decision: d.decision, reasons: d.reasons, offline: true };
  }

  /** Sends the unreplayed log in chunks; returns the central reports. Throws when the link is still down. */
  async replay(
    chunk = 200,
  ): Promise<
    { replayedSeq: number; conflicts: { kind: string; eventId: string }[]; posted: number; diverted: number }[]
  > {
    const reports = [];
    // Entries signed with a rotated key verify only once the centre has that key.
    if (this.rotation && this.pending.length) await this.completeRotation();
    while (this.pending.length) {
      const entries = this.pending.slice(0, chunk);
      const r = await this.call('POST', '/api/v1/gate/replay', { entries });
      if (r.status !== 200) throw new Error(`replay refused (${r.status}): ${JSON.stringify(r.body)}`);
      const b = r.body as {
        replayedSeq: number;
        conflicts: { kind: string; eventId: string }[];
        posted: number;
        diverted: number;
      };
      this.replayed = b.replayedSeq;
      this.save();
      reports.push(b);
    }
    return reports;
  }
}
