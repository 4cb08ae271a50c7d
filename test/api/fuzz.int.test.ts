import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../support/app.ts';
import { testDbKind } from '../support/db.ts';
import { ALL_ROLES, type Role } from '../../src/platform/auth/roles.ts';
import { queryRows } from '../../src/platform/db/client.ts';
import type { RouteEntry } from '../../src/platform/http/server.ts';
import { DEMO_ENTERPRISES } from '../../src/seed/demo.ts';
import { operations, type Hints, type Operation } from '../support/fuzz.ts';
import { collectHints, RouteRequests } from '../support/fuzzRequests.ts';
import { FuzzGuard } from '../support/fuzzGuard.ts';

/**
 * A property over every route: requests generated from the route's own schemas (the OpenAPI
 * document the server publishes), sent by the roles it allows, and hostile mutations of them
 * (wrong types and bounds, NUL, lone surrogates, 1e400, deep nesting, __proto__, broken encodings,
 * refused roles and credentials). Whatever is sent, the answer is never a 5xx, every 4xx is
 * application/problem+json, and a rejected request changes no table: the row count and newest row
 * version of every table, audit heads included, are compared around every run of rejections.
 *
 * FUZZ_REQUESTS sets the number of requests (default 20,500, shrinking aside); FUZZ_SEED replays a run; FUZZ_ONLY (a
 * regular expression on "METHOD /url") narrows the routes; FUZZ_SHRINK=0 reports failures unshrunk.
 */
const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 20_500);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const ONLY = process.env.FUZZ_ONLY ? new RegExp(process.env.FUZZ_ONLY) : null;
const BATCH = 25;

let t: TestApp;
let guard: FuzzGuard;
let hints: Hints;
let ops: Map<string, Operation>;
const auth = new Map<Role, string>();
const savedRateLimits = process.env.TIDEGATE_RATE_LIMITS;

beforeAll(async () => {
  // Thousands of calculator requests come from one address here; the limits have their own tests.
  process.env.TIDEGATE_RATE_LIMITS = 'off';
  t = await startTestApp({ seedDemo: true });
  const uscc = DEMO_ENTERPRISES[0]!.uscc;
  const [jerky] = await queryRows<{ id: string }>(t.ctx.db, sql`select id from enterprises where uscc = ${uscc}`);
  const scopes: Partial<Record<Role, object>> = {
    admin: { name: 'admin' },
    enterprise_user: { enterpriseId: jerky!.id },
    gate_device: { scope: { portCode: 'CNHAK-XINHAI', laneCode: 'CNHAK-XINHAI-L01' } },
  };
  for (const role of ALL_ROLES) auth.set(role, await t.authFor(role, scopes[role] ?? {}));
  hints = await collectHints(t.ctx.db);
  ops = operations(t.app.swagger() as { paths: Record<string, Record<string, unknown>> });
  guard = await FuzzGuard.start(t, {
    streams: new Set(['GET /api/v1/command/stream']),
    // Refused logins are recorded on purpose: failures count towards the lockout, and are audited.
    writesWhenRefused: { 'POST /api/v1/auth/login': ['login_throttle', 'audit_entries', 'audit_heads'] },
    // A hang, not a slow answer: a loaded machine (load 30 on two cores) makes a heavy route slow.
    answerWithinMs: 120_000,
  });
}, 600_000);

afterAll(async () => {
  await t?.close();
  if (savedRateLimits === undefined) delete process.env.TIDEGATE_RATE_LIMITS;
  else process.env.TIDEGATE_RATE_LIMITS = savedRateLimits;
});

/** Runs one route's batches; the failure, shrunk to the fewest requests, says what was sent and what came back. */
async function fuzzRoute(route: RouteEntry, runs: number): Promise<string | null> {
  const requests = new RouteRequests(route, ops.get(`${route.method} ${route.url}`)!, auth, hints);
  const batches = fc.array(requests.arbitrary(), { minLength: BATCH, maxLength: BATCH });
  const property = fc.asyncProperty(batches, (batch) => guard.runBatch(batch));
  // Each route's own seed, from the run's and its name: FUZZ_SEED with FUZZ_ONLY replays one route.
  const seed = (SEED + [...requests.key].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 0)) | 0;
  const out = await fc.check(property, { numRuns: runs, seed, endOnFailure: process.env.FUZZ_SHRINK === '0' });
  if (!out.failed) return null;
  const error = (out.errorInstance as Error | undefined)?.message ?? String(out.errorInstance);
  return `${requests.key} (FUZZ_SEED=${SEED}): ${error}`;
}

function summary(routes: number, seconds: number): string {
  const s = guard.stats;
  const statuses = Object.fromEntries([...s.byStatus.entries()].sort((a, b) => a[0] - b[0]));
  return (
    `fuzz on ${testDbKind()}: ${s.requests} requests over ${routes} routes ` +
    `in ${seconds.toFixed(1)} s (seed ${SEED}); ` +
    `${s.accepted} accepted, ${s.rejected} rejected; ${s.runsChecked} runs of rejections checked ` +
    `(${s.runsCounted} by counting rows, ${s.runsLost} lost to an accepted hostile command); ` +
    `sending ${(s.sendMs / 1000).toFixed(1)} s, settling ${(s.settleMs / 1000).toFixed(1)} s; ` +
    `statuses ${JSON.stringify(statuses)}`
  );
}

describe(`every route, any input, on ${testDbKind()}`, () => {
  it(`never a 5xx, refusals as problem+json that write nothing (${TOTAL} requests)`, async () => {
    // Logins last: refused logins count towards the address's throttle, which then locks out nothing else.
    const isLogin = (r: RouteEntry) => Number(r.url === '/api/v1/auth/login');
    const routes = [...t.app.routeTable].sort((a, b) => isLogin(a) - isLogin(b));
    expect(routes.filter((r) => !ops.has(`${r.method} ${r.url}`)).map((r) => `${r.method} ${r.url}`)).toEqual([]);
    // The batches spread over the routes as evenly as they go: the first routes take one more.
    const batches = Math.ceil(TOTAL / BATCH);
    const runsOf = (i: number) => Math.floor(batches / routes.length) + (i < batches % routes.length ? 1 : 0);
    const started = performance.now();
    const failures: string[] = [];
    for (const [i, route] of routes.entries()) {
      if (ONLY && !ONLY.test(`${route.method} ${route.url}`)) continue;
      const routeStarted = performance.now();
      const failure = await fuzzRoute(route, runsOf(i));
      if (failure) failures.push(failure);
      if (process.env.FUZZ_VERBOSE) {
        const ms = (performance.now() - routeStarted).toFixed(0);
        console.info(`${route.method} ${route.url}: ${ms} ms${failure ? `\nFAILED ${failure}` : ''}`);
      }
    }
    console.info(summary(routes.length, (performance.now() - started) / 1000));
    expect(failures).toEqual([]);
    if (!ONLY) expect(guard.stats.requests).toBeGreaterThanOrEqual(20_000);
  }, 900_000);
});
