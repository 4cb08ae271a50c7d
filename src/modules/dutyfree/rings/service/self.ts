/**
 * A person's own view (本人查询): their quota this year, their purchases and their personal credit
 * score with its reasons. There is no traveller login: the person proves who they are with their ID,
 * their name as on it, and one traceability code of goods sold to them (on the receipt). Any mismatch
 * is the same answer, so the route tells nobody whether an ID number is a buyer's. A proof earns a
 * token good for SELF_TOKEN_SECONDS, to read the same view again without sending the ID each time;
 * it names the buyer only sealed (encrypted), and no other route accepts it.
 */
import { createHash } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { sql } from 'drizzle-orm';
import type { AppContext } from '../../../../platform/context.ts';
import { queryRows } from '../../../../platform/db/client.ts';
import { decrypt, encrypt } from '../../../../platform/crypto.ts';
import { shanghaiDate } from '../../../../kernel/clock.ts';
import { problems } from '../../../../kernel/problem.ts';
import { scoreOfPerson } from '../../../personalcredit/service.ts';
import { personHash, quotaOf } from '../../service.ts';
import { recentSales } from '../../service/read.ts';
import type { IdType } from '../../rules.ts';
import { dutyfreeBuyers, dutyfreeCodes } from '../../schema.ts';

export interface SelfBody {
  idType: IdType;
  idNumber: string;
  name: string;
  code: string;
}

/** How long a proof of identity lets the person read their own view again. */
export const SELF_TOKEN_SECONDS = 15 * 60;
const AUDIENCE = 'tidegate:dutyfree-self';

const sameName = (a: string, b: string) =>
  a.normalize('NFKC').replace(/\s+/g, '').toUpperCase() === b.normalize('NFKC').replace(/\s+/g, '').toUpperCase();

/** A key of its own (derived from the session key), so a user's Bearer check can never take this token. */
const tokenKey = (ctx: AppContext) =>
  new Uint8Array(createHash('sha256').update(ctx.keys.jwt).update('dutyfree-self-token').digest());

async function viewOf(ctx: AppContext, who: { idType: IdType; idNumber: string; buyerId: string; hash: string }) {
  const [quota, credit, purchases] = await Promise.all([
    quotaOf(ctx, { idType: who.idType, idNumber: who.idNumber }),
    scoreOfPerson(ctx.db, who.hash, shanghaiDate(ctx.clock.now())),
    recentSales(ctx.db, who.buyerId, 'kept'),
  ]);
  return { quota, credit, purchases: purchases.filter((p) => p.status === 'CONFIRMED') };
}

export async function selfView(ctx: AppContext, body: SelfBody) {
  const hash = personHash(ctx, body.idType, body.idNumber);
  const [row] = await queryRows<{ id: string; name_encrypted: string; code: string | null }>(
    ctx.db,
    sql`select b.id, b.name_encrypted, c.code from ${dutyfreeBuyers} b
        left join ${dutyfreeCodes} c on c.buyer_id = b.id and c.code = ${body.code}
        where b.id_number_hash = ${hash}`,
  );
  if (!row || !row.code || !sameName(decrypt(ctx.keys.personalData, row.name_encrypted), body.name)) {
    throw problems.notFound('A purchase matching this ID, name and traceability code');
  }
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + SELF_TOKEN_SECONDS * 1000);
  const token = await new SignJWT({
    p: encrypt(ctx.keys.personalData, JSON.stringify({ idType: body.idType, idNumber: body.idNumber })),
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setAudience(AUDIENCE)
    .setSubject(row.id)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(tokenKey(ctx));
  const view = await viewOf(ctx, { idType: body.idType, idNumber: body.idNumber, buyerId: row.id, hash });
  return { ...view, token, expiresAt: expiresAt.toISOString() };
}

/** The same view for a token from `selfView`, while it lasts; an expired or foreign token is a 401. */
export async function selfViewByToken(ctx: AppContext, token: string) {
  let who: { idType: IdType; idNumber: string; buyerId: string; hash: string };
  try {
    const { payload } = await jwtVerify(token, tokenKey(ctx), {
      audience: AUDIENCE,
      algorithms: ['HS256'],
      currentDate: ctx.clock.now(),
      requiredClaims: ['exp', 'sub', 'p'],
    });
    const id = JSON.parse(decrypt(ctx.keys.personalData, String(payload.p))) as { idType: IdType; idNumber: string };
    who = { ...id, buyerId: payload.sub!, hash: personHash(ctx, id.idType, id.idNumber) };
  } catch {
    throw problems.unauthorized('This view has expired or the token is not one; prove who you are again.');
  }
  return viewOf(ctx, who);
}
