import pino, { type Logger } from 'pino';
import type { LightMyRequestResponse } from 'fastify';
import { startTidegate, type Tidegate } from '../../src/main.ts';
import { fixedClock } from '../../src/kernel/clock.ts';
import { openTestDatabase } from './db.ts';
import { runCommand } from '../../src/platform/command.ts';
import { createApiClient, createUser } from '../../src/platform/auth/service.ts';
import {
  systemActor,
  type ClientRole,
  type Role,
  type UserRole,
  USER_ROLES,
  CLIENT_ROLES,
} from '../../src/platform/auth/roles.ts';

export const ADMIN_PASSWORD = 'admin-test-password-1';
export const TEST_SECRET = 'test-secret-0123456789abcdef0123456789abcdef';

export interface TestApp extends Tidegate {
  clock: ReturnType<typeof fixedClock>;
  /** Bearer or ApiKey header value for a role (users and clients created on first use). */
  authFor(
    role: Role,
    opts?: { enterpriseId?: string; name?: string; scope?: Record<string, unknown> },
  ): Promise<string>;
  request(opts: {
    method: string;
    url: string;
    body?: unknown;
    auth?: string;
    headers?: Record<string, string>;
  }): Promise<LightMyRequestResponse>;
}

/** A Tidegate on a fresh test database, driven in-process with inject() (no port). */
export async function startTestApp(
  opts: {
    seedDemo?: boolean;
    at?: Date;
    /** A server of the test's own (migrated on start, closed with the app) instead of a fresh test database. */
    databaseUrl?: string;
    databaseReadUrl?: string;
    /** Where the application logs (a test that reads the log); silent by default. */
    logger?: Logger;
  } = {},
): Promise<TestApp> {
  const own = opts.databaseUrl ? { databaseUrl: opts.databaseUrl, databaseReadUrl: opts.databaseReadUrl } : undefined;
  const database = own ? undefined : await openTestDatabase();
  const clock = fixedClock(opts.at ?? new Date('2026-11-23T02:00:00Z'));
  const tg = await startTidegate({
    ...(database ? { database, databaseReadUrl: '' } : own),
    clock,
    listen: false,
    schedule: false,
    seedDemo: opts.seedDemo ?? false,
    adminPassword: ADMIN_PASSWORD,
    secret: TEST_SECRET,
    dataDir: 'memory://',
    natsUrl: '',
    logger: opts.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
  });
  const cache = new Map<string, string>();
  let counter = 0;

  async function request(o: {
    method: string;
    url: string;
    body?: unknown;
    auth?: string;
    headers?: Record<string, string>;
  }) {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.auth) headers.authorization = o.auth;
    return tg.app.inject({
      method: o.method as 'GET',
      url: o.url,
      headers,
      ...(o.body !== undefined ? { payload: o.body as object } : {}),
    });
  }

  async function authFor(
    role: Role,
    o: { enterpriseId?: string; name?: string; scope?: Record<string, unknown> } = {},
  ): Promise<string> {
    const cacheKey = `${role}:${o.enterpriseId ?? ''}:${o.name ?? ''}`;
    const cached = cache.get(cacheKey);
    if (cached) return cached;
    let value: string;
    if ((CLIENT_ROLES as readonly string[]).includes(role)) {
      const { key } = await runCommand(tg.ctx, 'apiClient.create', (tx) =>
        createApiClient(
          tx,
          {
            name: o.name ?? `test-${role}-${++counter}`,
            role: role as ClientRole,
            ...(o.scope ? { scope: o.scope } : {}),
          },
          systemActor('test'),
          clock.now(),
        ),
      );
      value = `ApiKey ${key}`;
    } else if ((USER_ROLES as readonly string[]).includes(role)) {
      const username = o.name ?? `test-${role.replace('_', '-')}-${++counter}`;
      const password = 'test-password-123';
      if (!(role === 'admin' && username === 'admin')) {
        await runCommand(tg.ctx, 'user.create', (tx) =>
          createUser(
            tx,
            { username, password, role: role as UserRole, enterpriseId: o.enterpriseId ?? null },
            systemActor('test'),
            clock.now(),
          ),
        );
      }
      const res = await request({
        method: 'POST',
        url: '/api/v1/auth/login',
        body: { username, password: username === 'admin' ? ADMIN_PASSWORD : password },
      });
      if (res.statusCode !== 200) throw new Error(`login failed for ${username}: ${res.body}`);
      value = `Bearer ${res.json().token}`;
    } else throw new Error(`unknown role ${role}`);
    cache.set(cacheKey, value);
    return value;
  }

  return { ...tg, clock, authFor, request };
}
