/**
 * Sends generated requests to the running server and checks each answer and what it wrote: never a
 * 5xx, every 4xx application/problem+json (never a database error passed on as a 400), and no table
 * changed by a run of rejected requests. Used by test/api/fuzz.int.test.ts.
 */
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/platform/db/client.ts';
import { DATA_EXCEPTION_RULE } from '../../src/platform/http/problemReply.ts';
import type { TestApp } from './app.ts';
import { describeReq, type Req } from './fuzzRequests.ts';

interface Answer {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

interface Problem {
  type?: string;
  status?: number;
  title?: string;
  errors?: { path: string; rule?: string }[];
}

/** Every table's row count and newest row version (xmin): an insert, update or delete moves one. */
type Tables = Record<string, string>;

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface GuardOptions {
  /** Streams that stay open when accepted (server-sent events): sent over a socket, closed once the head arrives. */
  streams: ReadonlySet<string>;
  /** Tables a route writes on purpose when it refuses (a refused login counts towards the lockout). */
  writesWhenRefused: Readonly<Record<string, string[]>>;
  /** Any other answer comes within this time: a request must never hang. */
  answerWithinMs: number;
}

export class FuzzGuard {
  readonly stats = {
    requests: 0,
    accepted: 0,
    rejected: 0,
    runsChecked: 0,
    runsCounted: 0,
    runsLost: 0,
    sendMs: 0,
    settleMs: 0,
    byStatus: new Map<number, number>(),
  };
  /**
   * Where the database stood after the last accepted write, with the next transaction id. A run
   * of rejections that assigned no transaction id wrote nothing (not even something rolled back),
   * so the tables are counted again only when one did.
   */
  private rest: { tables: Tables; xid: string } | null = null;
  private socketUrl = '';

  private constructor(
    private readonly t: TestApp,
    private readonly tablesQuery: ReturnType<typeof sql.raw>,
    private readonly opts: GuardOptions,
  ) {}

  static async start(t: TestApp, opts: GuardOptions): Promise<FuzzGuard> {
    const names = await queryRows<{ name: string }>(
      t.ctx.db,
      sql`select table_name as name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE'`,
    );
    const counts = names.map(
      (r) => `select '${r.name}' as t, count(*)::int as n, coalesce(max(xmin::text::bigint), 0)::text as x
        from "${r.name}"`,
    );
    const guard = new FuzzGuard(t, sql.raw(counts.join(' union all ')), opts);
    if (t.app.routeTable.some((r) => opts.streams.has(`${r.method} ${r.url}`))) {
      guard.socketUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
    }
    // Deliveries run when the guard says (after an accepted command), never during a run of rejections.
    await t.ctx.dispatcher.stop();
    return guard;
  }

  /** Sends a batch of one route's requests in order; throws at the first broken promise, saying what was sent. */
  async runBatch(batch: readonly Req[]): Promise<void> {
    if (!this.rest || (await this.nextXid()) !== this.rest.xid) await this.settle();
    const allowed = new Set(this.opts.writesWhenRefused[batch[0]!.route] ?? []);
    let run: { req: Req; status: number }[] = [];
    for (const req of batch) {
      // A request that may be accepted: close the run of rejections before it, so its writes are its own.
      if (!req.mutation) run = await this.checkRun(run, allowed);
      const res = await this.timed(req);
      if (res.statusCode >= 400) {
        this.checkRefusal(req, res);
        run.push({ req, status: res.statusCode });
        continue;
      }
      this.stats.accepted++;
      // A read, or a command that assigned no transaction id (a calculator, a check), wrote nothing: the run goes on.
      if (!WRITES.has(req.method) || (await this.nextXid()) === this.rest!.xid) continue;
      // An accepted hostile command (a dropped optional field, say) cannot be told apart from the run before it.
      if (req.mutation && run.length) this.stats.runsLost++;
      run = [];
      await this.settle();
    }
    await this.checkRun(run, allowed);
  }

  private async timed(req: Req): Promise<Answer> {
    const started = performance.now();
    const res = await this.send(req);
    this.stats.sendMs += performance.now() - started;
    this.stats.requests++;
    this.stats.byStatus.set(res.statusCode, (this.stats.byStatus.get(res.statusCode) ?? 0) + 1);
    if (res.statusCode >= 500) throw new Error(`5xx: ${describeReq(req, res.statusCode)}\n${res.body.slice(0, 500)}`);
    return res;
  }

  private checkRefusal(req: Req, res: Answer): void {
    this.stats.rejected++;
    const what = describeReq(req, res.statusCode);
    if (!String(res.headers['content-type']).startsWith('application/problem+json')) {
      throw new Error(`A ${res.statusCode} that is not problem+json: ${what}`);
    }
    const problem = JSON.parse(res.body) as Problem;
    if (problem.status !== res.statusCode || !problem.type?.startsWith('urn:tidegate:error:') || !problem.title) {
      throw new Error(`A malformed problem: ${what} ${res.body.slice(0, 300)}`);
    }
    if (problem.errors?.some((e) => e.rule === DATA_EXCEPTION_RULE)) {
      throw new Error(`Refused by the database, not by a wire type: ${what}`);
    }
  }

  private async checkRun(run: { req: Req; status: number }[], allowed: Set<string>): Promise<[]> {
    if (!run.length) return [];
    this.stats.runsChecked++;
    const xid = await this.nextXid();
    if (xid === this.rest!.xid) return [];
    this.stats.runsCounted++;
    const tables = await this.tables();
    const diff = Object.keys(tables).filter((k) => !allowed.has(k) && this.rest!.tables[k] !== tables[k]);
    if (diff.length) {
      const changes = diff.map((k) => `${k}: ${this.rest!.tables[k]} -> ${tables[k]}`).join('; ');
      const sent = run.map((s) => describeReq(s.req, s.status)).join('\n');
      throw new Error(`Rejected requests changed tables (${changes}):\n${sent}`);
    }
    this.rest = { tables, xid };
    return [];
  }

  private async settle(): Promise<void> {
    const started = performance.now();
    // What the command published is delivered now, so the next run of rejections starts from rest.
    await this.t.ctx.dispatcher.drain();
    this.rest = { tables: await this.tables(), xid: await this.nextXid() };
    this.stats.settleMs += performance.now() - started;
  }

  private async tables(): Promise<Tables> {
    const rows = await queryRows<{ t: string; n: number; x: string }>(this.t.ctx.db, this.tablesQuery);
    return Object.fromEntries(rows.map((r) => [r.t, `${r.n}/${r.x}`]));
  }

  private async nextXid(): Promise<string> {
    const query = sql`select pg_snapshot_xmax(pg_current_snapshot())::text as x`;
    const [row] = await queryRows<{ x: string }>(this.t.ctx.db, query);
    return row!.x;
  }

  private async send(req: Req): Promise<Answer> {
    if (this.opts.streams.has(req.route)) {
      const streamed = await this.sendOverSocket(req);
      if (streamed) return streamed;
    }
    let timer: NodeJS.Timeout | undefined;
    const ms = this.opts.answerWithinMs;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`No answer within ${ms} ms: ${describeReq(req)}`)), ms);
    });
    const payload = req.payload !== undefined ? { payload: req.payload } : {};
    const answer = this.t.app.inject({ method: req.method as 'GET', url: req.url, headers: req.headers, ...payload });
    try {
      return await Promise.race([answer, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A stream's head is its answer; null when fetch refuses the request before sending (then it goes in-process). */
  private async sendOverSocket(req: Req): Promise<Answer | null> {
    const abort = new AbortController();
    const init = { method: req.method, headers: req.headers, body: req.payload, signal: abort.signal };
    const res = await fetch(this.socketUrl + req.url, init).catch(() => null);
    if (!res) return null;
    const headers = Object.fromEntries(res.headers.entries());
    const body = String(headers['content-type']).startsWith('text/event-stream') ? '' : await res.text();
    abort.abort();
    return { statusCode: res.status, headers, body };
  }
}
