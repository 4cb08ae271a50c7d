import { PassThrough } from 'node:stream';
import { z } from 'zod';
import type { ApiPlugin } from '../http/server.ts';
import { OFFICER_ROLES } from '../auth/roles.ts';
import { problems } from '../../kernel/problem.ts';
import { pageQuery, serialNumber } from '../../kernel/wire.ts';
import { entryHash, GENESIS_HASH, LEGACY_FORMAT, PARTITIONED_FORMAT, type AnchorMaterial } from './chain.ts';
import { countAuditEntries, getAuditEntry, getPartitionEntry, verifyChain } from './service.ts';
import { anchoredHeads, anchorAudit, countAnchors, getAnchor, latestAnchor, listAnchors } from './anchor.ts';
import { inclusionProof } from './proof.ts';
import { entryContentFor, linksFor } from './readers.ts';
import { actorOf } from '../http/authHook.ts';

const tags = ['audit'];
const readers = [...OFFICER_ROLES, 'department'] as const;

const HASHES =
  'format 2: hash = SHA-256(canonical JSON {body, format, partition, prevHash, pseq}) with body = ' +
  'SHA-256(canonical JSON {action, actor, at, change, seq, subject}); ' +
  'format 1 (entries from before partitioning, partition 0): hash = SHA-256(canonical JSON {action, ' +
  'actor, at, change, prevHash, seq, subject}). ' +
  'Anchors: hash = SHA-256(canonical JSON {at, partitionCount, prevHash, root, seq}); root = RFC ' +
  '6962 Merkle root over leaves SHA-256(0x00 ‖ canonical JSON {hash, partition, pseq}) of every ' +
  'partition head, in partition order.';

export const anchorOut = z.object({
  seq: z.number(),
  at: z.string(),
  partitionCount: z.number(),
  root: z.string(),
  prevHash: z.string(),
  hash: z.string(),
});
export const headOut = z.object({ partition: z.number(), pseq: z.number(), hash: z.string() });
const linkOut = z.union([
  z.object({ pseq: z.number(), format: z.literal(PARTITIONED_FORMAT), body: z.string(), hash: z.string() }),
  z.object({
    pseq: z.number(),
    format: z.literal(LEGACY_FORMAT),
    entry: z.object({
      seq: z.number(),
      at: z.string(),
      actor: z.string(),
      action: z.string(),
      subject: z.string(),
      change: z.string(),
    }),
    hash: z.string(),
  }),
  z.object({ pseq: z.number(), format: z.literal(LEGACY_FORMAT), withheld: z.literal(true), hash: z.string() }),
]);
const breakOut = z.object({
  seq: z.number().nullable(),
  partition: z.number().nullable(),
  pseq: z.number().nullable(),
  anchor: z.number().nullable(),
  reason: z.string(),
});

export const entryOut = z.object({
  seq: z.number(),
  at: z.string(),
  actor: z.string().nullable(),
  action: z.string().nullable(),
  subject: z.string().nullable(),
  change: z.string().nullable(),
  body: z.string().nullable().describe('Format 2: the body digest the hash covers'),
  withheld: z
    .boolean()
    .describe(
      "The content is not the reader's to see (a department reading a risk, declaration or inspection " +
        'entry): only the hashes that place it in the chain',
    ),
  partition: z.number(),
  pseq: z.number(),
  format: z.number(),
  prevHash: z.string(),
  hash: z.string(),
  hashValid: z.boolean(),
  previous: z.object({ seq: z.number(), pseq: z.number(), hash: z.string() }).nullable(),
  algorithm: z.string(),
  proof: z
    .object({
      anchor: anchorOut,
      head: headOut,
      links: z.array(linkOut),
      merklePath: z.array(z.object({ side: z.enum(['left', 'right']), hash: z.string() })),
    })
    .nullable(),
});

/** Entries per page of the streamed walk: small enough that the progress moves on a demo-sized log. */
const VERIFY_STREAM_PAGE = 1000;

export const verifyOut = z.object({
  ok: z.boolean(),
  checked: z.number(),
  partitions: z.number(),
  anchors: z.number(),
  latestAnchor: z.object({ seq: z.number(), root: z.string(), hash: z.string() }).nullable(),
  breaks: z.array(breakOut),
  firstBreak: breakOut.nullable(),
});

const anchorView = (a: AnchorMaterial & { hash: string }) => ({
  seq: Number(a.seq),
  at: new Date(a.at).toISOString(),
  partitionCount: a.partitionCount,
  root: a.root,
  prevHash: a.prevHash,
  hash: a.hash,
});

export const auditRoutes: ApiPlugin = (app, ctx) => {
  app.get('/api/v1/audit/entries/:seq', {
    config: { access: { roles: readers } },
    schema: {
      tags,
      summary:
        'One audit entry, the hashes that check it, and an inclusion proof against the latest anchor (or `anchor`)',
      description:
        `${HASHES} To check the proof: recompute the entry's hash; fold each link in order (its ` +
        `prevHash is the hash before it); the result must be proof.head.hash; ` +
        'fold proof.merklePath from the leaf of proof.head (a left sibling goes first) to get ' +
        'proof.anchor.root; recompute proof.anchor.hash and compare it with an anchor hash you trust. ' +
        '`proof` is null until an anchor covers the entry.',
      params: z.object({ seq: serialNumber }),
      querystring: z.object({ anchor: serialNumber.optional() }).strict(),
      response: {
        200: entryOut,
      },
    },
    handler: async (req) => {
      const reader = actorOf(req);
      const row = await getAuditEntry(ctx.db, req.params.seq);
      if (!row) throw problems.notFound(`Audit entry ${req.params.seq}`);
      const entry = { ...row, seq: Number(row.seq), pseq: Number(row.pseq) };
      const prev = entry.pseq > 1 ? await getPartitionEntry(ctx.db, entry.partition, entry.pseq - 1) : null;
      const proof = await inclusionProof(ctx.db, entry, req.query.anchor);
      return {
        ...entry,
        ...entryContentFor(reader, entry),
        at: entry.at.toISOString(),
        hashValid:
          entryHash(entry) === entry.hash &&
          (entry.pseq === 1 ? entry.prevHash === GENESIS_HASH : prev?.hash === entry.prevHash),
        previous: prev ? { seq: Number(prev.seq), pseq: Number(prev.pseq), hash: prev.hash } : null,
        algorithm: HASHES,
        proof: proof && { ...proof, links: linksFor(reader, proof.links), anchor: anchorView(proof.anchor) },
      };
    },
  });

  app.get('/api/v1/audit/anchors', {
    config: { access: { roles: readers } },
    schema: {
      tags,
      summary: 'The anchors of the root chain, newest first (an empty page before the first anchor)',
      querystring: z.object(pageQuery).strict(),
      response: { 200: z.object({ items: z.array(anchorOut), total: z.number() }) },
    },
    handler: async (req) => {
      const { page, pageSize } = req.query;
      const [rows, total] = await Promise.all([listAnchors(ctx.db, page, pageSize), countAnchors(ctx.db)]);
      return { items: rows.map(anchorView), total };
    },
  });

  app.get('/api/v1/audit/anchors/:seq', {
    config: { access: { roles: readers } },
    schema: {
      tags,
      summary: 'One anchor of the root chain (`latest` for the newest) with the partition heads it committed',
      description: HASHES,
      params: z.object({ seq: z.union([z.literal('latest'), serialNumber]) }),
      response: { 200: anchorOut.extend({ heads: z.array(headOut) }) },
    },
    handler: async (req) => {
      const anchor = req.params.seq === 'latest' ? await latestAnchor(ctx.db) : await getAnchor(ctx.db, req.params.seq);
      if (!anchor) throw problems.notFound(`Audit anchor ${req.params.seq}`);
      return { ...anchorView(anchor), heads: await anchoredHeads(ctx.db, anchor.seq, anchor.partitionCount) };
    },
  });

  app.post('/api/v1/audit/anchors', {
    config: { access: { roles: ['admin', 'auditor'] } },
    schema: {
      tags,
      summary: 'Anchor the log now: commit the head of every partition (a new anchor only when some head moved)',
      response: { 200: anchorOut.extend({ created: z.boolean() }) },
    },
    handler: async () => {
      const r = await anchorAudit(ctx.db, ctx.clock.now());
      if (!r) throw problems.rule('audit-log-empty', 'Nothing to anchor', 'The audit log has no entries yet.');
      return { ...anchorView(r.anchor), created: r.created };
    },
  });

  app.post('/api/v1/audit/verify/stream', {
    config: { access: { roles: ['admin', 'auditor'] } },
    // Sent line by line as the walk goes: a compressor would hold the lines back until it ends.
    compress: false,
    schema: {
      tags,
      summary: 'The same walk as POST /audit/verify, answered as it goes: one JSON object per line',
      description:
        'application/x-ndjson: `{"type":"progress","checked":n,"total":t}` lines while the walk runs ' +
        '(`total` is the entries and anchors the log held when it began), then one ' +
        '`{"type":"result","result":…}` line with what POST /audit/verify answers, or ' +
        '`{"type":"error","detail":…}` when the walk could not finish.',
    },
    handler: async (_req, reply) => {
      const total = (await countAuditEntries(ctx.db)) + (await countAnchors(ctx.db));
      const out = new PassThrough();
      const line = (o: unknown) => out.write(`${JSON.stringify(o)}\n`);
      let lastSent = 0;
      line({ type: 'progress', checked: 0, total });
      const onProgress = (checked: number) => {
        // At most ten lines a second: a fast walk must not spend its time writing progress.
        if (Date.now() - lastSent < 100) return;
        lastSent = Date.now();
        line({ type: 'progress', checked, total });
      };
      verifyChain(ctx.db, onProgress, VERIFY_STREAM_PAGE)
        .then((result) => line({ type: 'result', result }))
        .catch((e: unknown) => {
          ctx.log.error({ err: e }, 'audit verify stream failed');
          line({
            type: 'error',
            detail: 'The walk stopped on a database error; run it again or use `tidegate audit verify`.',
          });
        })
        .finally(() => out.end());
      return reply.type('application/x-ndjson; charset=utf-8').header('cache-control', 'no-store').send(out);
    },
  });

  app.post('/api/v1/audit/verify', {
    config: { access: { roles: ['admin', 'auditor'] } },
    schema: {
      tags,
      summary: 'Re-walk every partition and the anchors; report the first broken entry of each',
      response: {
        200: verifyOut,
      },
    },
    handler: async () => verifyChain(ctx.db),
  });
};
