/**
 * Requests for one route of the running server: generated from the route's own schemas, sent by a
 * role the route allows, and hostile mutations of them (see fuzz.ts). Used by test/api/fuzz.int.test.ts.
 */
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { ALL_ROLES, type Role } from '../../src/platform/auth/roles.ts';
import { queryRows, type Executor } from '../../src/platform/db/client.ts';
import type { RouteEntry } from '../../src/platform/http/server.ts';
import { DEMO_ENTERPRISES } from '../../src/seed/demo.ts';
import { SECOND_LINE_PORTS } from '../../src/kernel/ports.ts';
import { bodyText, fillPath, HOSTILE_SEGMENTS, mutateBody, mutateQuery, queryText, valueArb } from './fuzz.ts';
import type { Hints, Mutation, Operation } from './fuzz.ts';

export type Caller = Role | 'anonymous';

export interface Req {
  route: string;
  role: Caller;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload: string | undefined;
  /** What made the request hostile (null: shaped as the route's schema says, by an allowed role). */
  mutation: Mutation | null;
}

export const describeReq = (r: Req, status?: number) =>
  `${r.role} ${r.method} ${r.url.slice(0, 200)}` +
  (r.payload !== undefined ? ` body ${r.payload.slice(0, 200)}` : '') +
  (r.mutation ? ` [${r.mutation.kind}: ${r.mutation.detail}]` : '') +
  (status ? ` -> ${status}` : '');

async function ids(db: Executor, query: ReturnType<typeof sql>): Promise<string[]> {
  return (await queryRows<{ v: unknown }>(db, query)).map((r) => String(r.v));
}

const DATE_FIELDS = ['asOf', 'from', 'to', 'date', 'businessDate', 'effectiveDate', 'releasedOn', 'declarationDate'];

/** Values that pass the checks JSON Schema cannot express (check digits, existing rows), by field name. */
export async function collectHints(db: Executor): Promise<Hints> {
  const uscc = DEMO_ENTERPRISES.map((e) => e.uscc);
  const declarations = await ids(db, sql`select id as v from decl_declarations order by created_at desc limit 10`);
  const books = await ids(db, sql`select id as v from ledger_books limit 10`);
  const items = await ids(db, sql`select id as v from ledger_items limit 10`);
  const enterprises = await ids(db, sql`select id as v from enterprises`);
  const documents = await ids(db, sql`select id as v from ledger_documents limit 10`);
  const tasks = await ids(db, sql`select id as v from inspection_tasks limit 10`);
  const orders = await ids(db, sql`select id as v from gate_release_orders limit 10`);
  const reservations = await ids(db, sql`select id as v from ledger_reservations limit 10`);
  const bills = await ids(db, sql`select id as v from decl_tax_bills limit 10`);
  const inputs = await ids(db, sql`select id as v from credit_inputs limit 10`);
  const features = await ids(db, sql`select distinct code as v from risk_feature_versions limit 10`);
  const parameters = await ids(db, sql`select distinct name as v from policy_parameters limit 10`);
  const ports = SECOND_LINE_PORTS.map((p) => p.code);
  const dates = ['2026-11-23', '2026-11-01', '2026-01-01', '2025-12-18', '2026-10-21'];
  return {
    ...Object.fromEntries(['uscc', 'trader', 'enterpriseUscc'].map((k) => [k, uscc])),
    ...Object.fromEntries(DATE_FIELDS.map((k) => [k, dates])),
    id: [...declarations, ...bills, ...orders, ...uscc],
    declarationId: declarations,
    bookId: books,
    toBookId: books,
    itemId: items,
    toItemId: items,
    enterpriseId: enterprises,
    toEnterpriseId: enterprises,
    documentId: [...documents, ...declarations],
    reversalOf: documents,
    taskId: tasks,
    releaseOrderId: orders,
    reservationIds: reservations,
    reservationId: reservations,
    inputId: inputs,
    code: features,
    version: ['1', '2'],
    seq: ['1', '2', '3'],
    anchor: ['1'],
    name: parameters,
    portCode: ports,
    port: ports,
    laneCode: ['CNHAK-XINHAI-L01', 'CNHAK-XINHAI-L02'],
    hsCode: ['0202300090', '3304990099', '8517130000', '160250'],
    currency: ['USD', 'EUR', 'JPY'],
    period: ['2026-10', '2026-11'],
    validFrom: ['2027-01-01'],
    originCountry: ['AU', 'DE', 'CN'],
    quantity: ['1', '10.5', '0'],
    salePrice: ['1000', '30000'],
    reason: ['a reason long enough to pass'],
    kind: ['enterprise', 'individual'],
  };
}

const WRONG_CREDENTIALS = [
  'Bearer not-a-token',
  'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x',
  'ApiKey tg_000000000000_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  'Basic YWRtaW46YWRtaW4=',
  'Bearer',
  'Bearer a\u00e9',
];
const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/json; charset=utf-16',
  'multipart/form-data; boundary=x',
];

function allowedRoles(route: RouteEntry): Caller[] {
  const access = route.access!;
  return 'public' in access ? ['anonymous', 'admin', 'enterprise_user'] : [...access.roles];
}

interface Parts {
  path: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  role: Caller;
}

interface Override {
  path?: string;
  query?: string;
  payload?: string;
  headers?: Record<string, string>;
  role?: Caller;
  mutation: Mutation | null;
}

/** Builds the requests of one route from generated parts, with credentials for each role. */
export class RouteRequests {
  readonly key: string;
  private readonly roles: Caller[];
  private readonly pathNames: string[];

  constructor(
    private readonly route: RouteEntry,
    private readonly op: Operation,
    private readonly auth: ReadonlyMap<Role, string>,
    private readonly hints: Hints,
  ) {
    this.key = `${route.method} ${route.url}`;
    this.roles = allowedRoles(route);
    this.pathNames = Object.keys(op.path);
  }

  /** About a fifth shaped as the schemas say, by an allowed role; the rest hostile. */
  arbitrary(): fc.Arbitrary<Req> {
    const { op, hints } = this;
    const segments = this.pathNames.map((n) => [n, valueArb(op.path[n]!, n, hints).map(String)] as const);
    const path = fc.record(Object.fromEntries(segments));
    const querySchema = { type: 'object', properties: op.query.schema, required: op.query.required };
    const query = valueArb(querySchema, 'query', hints) as fc.Arbitrary<Record<string, unknown>>;
    const body = op.body ? valueArb(op.body, 'body', hints) : fc.constant(undefined);
    const parts = fc.record({ path, query, body, role: fc.constantFrom(...this.roles) });
    return parts.chain((p) => fc.oneof(...this.options(p)));
  }

  private options(p: Parts): fc.WeightedArbitrary<Req>[] {
    const make = (o: Override) => this.make(p, o);
    const names = Object.keys(this.op.query.schema);
    const options: fc.WeightedArbitrary<Req>[] = [
      { weight: 4, arbitrary: fc.constant(make({ mutation: null })) },
      { weight: 3, arbitrary: mutateQuery(p.query, names).map((m) => make({ query: m.text, mutation: m.mutation })) },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom(...WRONG_CREDENTIALS)
          .map((a) => make({ headers: { authorization: a }, mutation: { kind: 'credentials', detail: a } })),
      },
    ];
    const refused = ALL_ROLES.filter((r) => !this.roles.includes(r));
    if (refused.length) {
      const mutation = { kind: 'role', detail: 'not allowed' };
      const wrongRole = fc.constantFrom(...refused).map((role) => make({ role, mutation }));
      options.push({ weight: 1, arbitrary: wrongRole });
    }
    if (this.op.body || this.route.method !== 'GET') {
      const body = mutateBody(p.body ?? {}).map((m) => make({ payload: m.text, mutation: m.mutation }));
      options.push({ weight: 6, arbitrary: body });
      const payload = bodyText(p.body ?? {});
      const typed = fc
        .constantFrom(...CONTENT_TYPES)
        .map((ct) => make({ payload, headers: { 'content-type': ct }, mutation: { kind: 'contentType', detail: ct } }));
      options.push({ weight: 1, arbitrary: typed });
    }
    if (this.pathNames.length) {
      const where = fc.tuple(fc.constantFrom(...this.pathNames), fc.constantFrom(...HOSTILE_SEGMENTS));
      const segment = where.map(([n, seg]) => {
        const mutation = { kind: 'path', detail: `${n}=${seg.slice(0, 30)}` };
        return make({ path: fillPath(this.route.url, { ...p.path, [n]: seg }), mutation });
      });
      options.push({ weight: 3, arbitrary: segment });
    }
    return options;
  }

  private make(p: Parts, o: Override): Req {
    const role = o.role ?? p.role;
    const credentials: Record<string, string> = role === 'anonymous' ? {} : { authorization: this.auth.get(role)! };
    const headers: Record<string, string> = { ...credentials, ...o.headers };
    const payload = o.payload ?? (p.body === undefined ? undefined : bodyText(p.body));
    if (payload !== undefined && !('content-type' in headers)) headers['content-type'] = 'application/json';
    const query = o.query ?? queryText(p.query);
    const url = (o.path ?? fillPath(this.route.url, p.path)) + (query ? `?${query}` : '');
    return { route: this.key, role, method: this.route.method, url, headers, payload, mutation: o.mutation };
  }
}
