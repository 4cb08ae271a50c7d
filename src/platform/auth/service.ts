import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import { problems } from '../../kernel/problem.ts';
import { appendAudit } from '../audit/service.ts';
import { sha256Hex } from '../crypto.ts';
import { apiClients, users } from './schema.ts';
import {
  apiKeyMatches,
  dummyPasswordHash,
  hashPassword,
  MIN_PASSWORD_LENGTH,
  newApiKey,
  parseApiKey,
  verifyPassword,
} from './credentials.ts';
import { actorLabel, CLIENT_ROLES, type Actor, type ClientRole, type UserRole } from './roles.ts';

export type UserRow = typeof users.$inferSelect;

export function publicUser(u: UserRow) {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role as UserRole,
    enterpriseId: u.enterpriseId,
    disabled: u.disabled,
    createdAt: u.createdAt.toISOString(),
  };
}

export interface CreateUserInput {
  username: string;
  password: string;
  role: UserRole;
  displayName?: string;
  enterpriseId?: string | null;
}

export interface CreateUserOptions {
  /**
   * The hash of `input.password`, already under way: a caller creating several users starts their
   * hashes together (argon2 runs on the thread pool, on another core) instead of one per command.
   */
  passwordHash?: Promise<string>;
}

export async function createUser(
  tx: Executor,
  input: CreateUserInput,
  actor: Actor,
  now: Date,
  opts: CreateUserOptions = {},
): Promise<UserRow> {
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    throw problems.field(
      'password',
      'auth.passwordLength',
      `Password must be at least ${MIN_PASSWORD_LENGTH} characters.`,
    );
  }
  if (input.role === 'enterprise_user' && !input.enterpriseId) {
    throw problems.field(
      'enterpriseId',
      'auth.enterpriseUserBinding',
      'An enterprise_user must be bound to one enterprise (enterpriseId).',
    );
  }
  if (input.role !== 'enterprise_user' && input.enterpriseId) {
    throw problems.field(
      'enterpriseId',
      'auth.enterpriseUserBinding',
      'Only enterprise_user accounts are bound to an enterprise.',
    );
  }
  const existing = await tx.select({ id: users.id }).from(users).where(eq(users.username, input.username)).limit(1);
  if (existing.length) throw problems.conflict(`User "${input.username}" already exists.`);
  const row: UserRow = {
    id: uuidv7(now.getTime()),
    username: input.username,
    displayName: input.displayName ?? input.username,
    passwordHash: await (opts.passwordHash ?? hashPassword(input.password)),
    role: input.role,
    enterpriseId: input.enterpriseId ?? null,
    disabled: false,
    createdAt: now,
  };
  await tx.insert(users).values(row);
  await appendAudit(tx, {
    actor: actorLabel(actor),
    action: 'user.create',
    subject: `user:${row.username}`,
    change: publicUser(row),
    at: now,
  });
  return row;
}

export async function findUserByName(ex: Executor, username: string): Promise<UserRow | null> {
  const [row] = await ex.select().from(users).where(eq(users.username, username)).limit(1);
  return row ?? null;
}

export async function findUserById(ex: Executor, id: string): Promise<UserRow | null> {
  const [row] = await ex.select().from(users).where(eq(users.id, id)).limit(1);
  return row ?? null;
}

/** Checks a password; the same work is done for unknown users so timing reveals nothing. */
export async function authenticatePassword(ex: Executor, username: string, password: string): Promise<UserRow | null> {
  const user = await findUserByName(ex, username);
  if (!user || user.disabled) {
    await verifyPassword(await dummyPasswordHash(), password);
    return null;
  }
  return (await verifyPassword(user.passwordHash, password)) ? user : null;
}

export async function setPassword(
  tx: Executor,
  username: string,
  password: string,
  actor: Actor,
  now: Date,
): Promise<void> {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw problems.field(
      'password',
      'auth.passwordLength',
      `Password must be at least ${MIN_PASSWORD_LENGTH} characters.`,
    );
  const user = await findUserByName(tx, username);
  if (!user) throw problems.notFound(`User "${username}"`);
  await tx
    .update(users)
    .set({ passwordHash: await hashPassword(password) })
    .where(eq(users.id, user.id));
  await appendAudit(tx, {
    actor: actorLabel(actor),
    action: 'user.setPassword',
    subject: `user:${username}`,
    change: { username },
    at: now,
  });
}

export interface CreateApiClientInput {
  name: string;
  role: ClientRole;
  scope?: Record<string, unknown>;
}

export async function createApiClient(tx: Executor, input: CreateApiClientInput, actor: Actor, now: Date) {
  if (!CLIENT_ROLES.includes(input.role))
    throw problems.field('role', 'auth.clientRole', `role must be one of ${CLIENT_ROLES.join(', ')}.`);
  const { key, prefix, hash } = newApiKey();
  const row = {
    id: uuidv7(now.getTime()),
    name: input.name,
    role: input.role,
    keyPrefix: prefix,
    keyHash: hash,
    scope: input.scope ?? {},
    createdBy: actorLabel(actor),
    createdAt: now,
    revokedAt: null,
  };
  await tx.insert(apiClients).values(row);
  const { keyHash: _omit, ...visible } = row;
  await appendAudit(tx, {
    actor: actorLabel(actor),
    action: 'apiClient.create',
    subject: `apiClient:${row.id}`,
    change: visible,
    at: now,
  });
  // The only time the key is ever shown.
  return { client: visible, key };
}

/**
 * How long a checked API key is trusted without reading it again. A gate lane sends several events
 * a second, each with its key: reading the client row every time was one query per event. A key
 * revoked in the database stops working within this time.
 */
export const API_KEY_CACHE_MS = 5_000;
const API_KEY_CACHE_MAX = 10_000;
const keyCache = new WeakMap<Executor, Map<string, { actor: Actor; until: number }>>();

export async function authenticateApiKey(ex: Executor, key: string): Promise<Actor | null> {
  const parsed = parseApiKey(key);
  if (!parsed) return null;
  // Keyed by the key's hash (the cache never holds a key), per database; only successes are kept.
  const digest = sha256Hex(key);
  let cache = keyCache.get(ex);
  if (!cache) keyCache.set(ex, (cache = new Map()));
  const hit = cache.get(digest);
  if (hit && hit.until > Date.now()) return hit.actor;
  const [row] = await ex
    .select()
    .from(apiClients)
    .where(and(eq(apiClients.keyPrefix, parsed.prefix), isNull(apiClients.revokedAt)))
    .limit(1);
  if (!row || !apiKeyMatches(key, row.keyHash)) {
    cache.delete(digest);
    return null;
  }
  const actor: Actor = {
    kind: 'client',
    id: row.id,
    name: row.name,
    role: row.role as ClientRole,
    enterpriseId: null,
    scope: row.scope as Record<string, unknown>,
  };
  if (cache.size >= API_KEY_CACHE_MAX) cache.delete(cache.keys().next().value!);
  cache.set(digest, { actor, until: Date.now() + API_KEY_CACHE_MS });
  return actor;
}

/**
 * Forgets every key this process trusted without reading it again: a revocation made here takes
 * effect at once in this process (other processes stop trusting the key within API_KEY_CACHE_MS).
 */
export function forgetCachedApiKeys(ex: Executor): void {
  keyCache.get(ex)?.clear();
}

export function userActor(u: Pick<UserRow, 'id' | 'username' | 'role' | 'enterpriseId'>): Actor {
  return { kind: 'user', id: u.id, name: u.username, role: u.role as UserRole, enterpriseId: u.enterpriseId };
}
