import { z } from 'zod';
import type { ApiPlugin } from '../http/server.ts';
import { OFFICER_ROLES } from '../auth/roles.ts';
import { problems } from '../../kernel/problem.ts';
import { entryHash, GENESIS_HASH } from './chain.ts';
import { getAuditEntry, verifyChain } from './service.ts';

const tags = ['audit'];
const readers = [...OFFICER_ROLES, 'department'] as const;

export const auditRoutes: ApiPlugin = (app, ctx) => {
  app.get('/api/v1/audit/entries/:seq', {
    config: { access: { roles: readers } },
    schema: {
      tags,
      summary: 'One audit entry with what is needed to check it: hash = SHA-256(canonical JSON of seq, at, actor, action, subject, change, prevHash)',
      params: z.object({ seq: z.coerce.number().int().min(1) }),
      response: {
        200: z.object({
          seq: z.number(), at: z.string(), actor: z.string(), action: z.string(), subject: z.string(), change: z.string(),
          prevHash: z.string(), hash: z.string(), hashValid: z.boolean(), previous: z.object({ seq: z.number(), hash: z.string() }).nullable(), algorithm: z.string(),
        }),
      },
    },
    handler: async (req) => {
      const row = await getAuditEntry(ctx.db, req.params.seq);
      if (!row) throw problems.notFound(`Audit entry ${req.params.seq}`);
      const prev = row.seq > 1 ? await getAuditEntry(ctx.db, row.seq - 1) : null;
      return {
        ...row,
        at: row.at.toISOString(),
        hashValid: entryHash(row) === row.hash && (row.seq === 1 ? row.prevHash === GENESIS_HASH : prev?.hash === row.prevHash),
        previous: prev ? { seq: prev.seq, hash: prev.hash } : null,
        algorithm: 'sha256(canonical-json{action,actor,at,change,prevHash,seq,subject})',
      };
    },
  });

  app.post('/api/v1/audit/verify', {
    config: { access: { roles: ['admin', 'auditor'] } },
    schema: { tags, summary: 'Re-walk the whole chain and report the first broken entry', response: { 200: z.object({ ok: z.boolean(), checked: z.number(), headSeq: z.number(), headHash: z.string(), firstBreak: z.object({ seq: z.number(), reason: z.string() }).nullable() }) } },
    handler: async () => verifyChain(ctx.db),
  });
};
