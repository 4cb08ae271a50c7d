/**
 * A person's own view (本人查询): their quota this year and their personal credit score with its
 * reasons. There is no traveller login: the person proves who they are with their ID, their name
 * as on it, and one traceability code of goods sold to them (on the receipt). Any mismatch is the
 * same answer, so the route tells nobody whether an ID number is a buyer's.
 */
import { sql } from 'drizzle-orm';
import type { AppContext } from '../../../../platform/context.ts';
import { queryRows } from '../../../../platform/db/client.ts';
import { decrypt } from '../../../../platform/crypto.ts';
import { shanghaiDate } from '../../../../kernel/clock.ts';
import { problems } from '../../../../kernel/problem.ts';
import { scoreOfPerson } from '../../../personalcredit/service.ts';
import { personHash, quotaOf } from '../../service.ts';
import type { IdType } from '../../rules.ts';

export interface SelfBody {
  idType: IdType;
  idNumber: string;
  name: string;
  code: string;
}

const sameName = (a: string, b: string) =>
  a.normalize('NFKC').replace(/\s+/g, '').toUpperCase() === b.normalize('NFKC').replace(/\s+/g, '').toUpperCase();

export async function selfView(ctx: AppContext, body: SelfBody) {
  const hash = personHash(ctx, body.idType, body.idNumber);
  const [row] = await queryRows<{ name_encrypted: string; code: string | null }>(
    ctx.db,
    sql`select b.name_encrypted, c.code from dutyfree_buyers b
        left join dutyfree_codes c on c.buyer_id = b.id and c.code = ${body.code}
        where b.id_number_hash = ${hash}`,
  );
  if (!row || !row.code || !sameName(decrypt(ctx.keys.personalData, row.name_encrypted), body.name)) {
    throw problems.notFound('A purchase matching this ID, name and traceability code');
  }
  const [quota, credit] = await Promise.all([
    quotaOf(ctx, { idType: body.idType, idNumber: body.idNumber }),
    scoreOfPerson(ctx.db, hash, shanghaiDate(ctx.clock.now())),
  ]);
  return { quota, credit };
}
