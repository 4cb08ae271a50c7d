import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { UUID_PATTERN } from '../../kernel/ids.ts';
import { sha256Hex, safeEqualHex } from '../crypto.ts';
import type { Role } from './roles.ts';

// OWASP's argon2id minimum (19 MiB, 2 passes): login stays well under 100 ms on our machines.
const ARGON = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 10;

export function hashPassword(password: string): Promise<string> {
  return argonHash(password, ARGON);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await argonVerify(stored, password);
  } catch {
    return false;
  }
}

/** A hash to compare against when the user does not exist, so timing does not reveal usernames. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return dummyHash;
}

export function randomPassword(): string {
  return randomBytes(12).toString('base64url');
}

export interface TokenClaims {
  sub: string;
  role: Role;
  ent: string | null;
  name: string;
}

const ISSUER = 'tidegate';
export const TOKEN_TTL_SECONDS = 12 * 3600; // one shift

export async function signToken(key: Uint8Array, claims: TokenClaims, now: Date): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ role: claims.role, ent: claims.ent, name: claims.name })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuer(ISSUER)
    .setIssuedAt(iat)
    .setExpirationTime(iat + TOKEN_TTL_SECONDS)
    .sign(key);
}

export async function verifyToken(key: Uint8Array, token: string, now: Date): Promise<TokenClaims | null> {
  try {
    // A token without an expiry would be good forever: refuse it even when the signature holds.
    const { payload } = await jwtVerify(token, key, {
      issuer: ISSUER,
      algorithms: ['HS256'],
      currentDate: now,
      requiredClaims: ['exp', 'iat', 'sub'],
    });
    // The subject is a user id; anything else never names a user (and is not a value to query by).
    if (typeof payload.sub !== 'string' || !UUID_PATTERN.test(payload.sub)) return null;
    if (typeof payload.role !== 'string') return null;
    return {
      sub: payload.sub,
      role: payload.role as Role,
      ent: (payload.ent as string | null) ?? null,
      name: String(payload.name ?? ''),
    };
  } catch {
    return null;
  }
}

/** API keys: `tg_<prefix>_<secret>`; the prefix finds the row, the SHA-256 of the whole key proves it. */
export function newApiKey(): { key: string; prefix: string; hash: string } {
  const prefix = randomBytes(6).toString('hex');
  const key = `tg_${prefix}_${randomBytes(24).toString('base64url')}`;
  return { key, prefix, hash: sha256Hex(key) };
}

export function parseApiKey(key: string): { prefix: string } | null {
  const m = /^tg_([0-9a-f]{12})_[A-Za-z0-9_-]{32}$/.exec(key);
  return m ? { prefix: m[1]! } : null;
}

export function apiKeyMatches(key: string, storedHash: string): boolean {
  return safeEqualHex(sha256Hex(key), storedHash);
}
