/**
 * The origin module's public service: certificates of origin (原产地证书) pushed by a department client
 * or entered by an officer, checked against a declaration line (原产地证书联网验核), and the duty of a
 * line with its preference granted only on a valid certificate. Other modules call `certificateCheck`
 * and `ratesWithOrigin` inside their own transaction.
 */
import { and, asc, eq } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import type { AppContext } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/client.ts';
import { runCommand } from '../../platform/command.ts';
import { appendAudit } from '../../platform/audit/service.ts';
import { enqueueEvents } from '../../platform/outbox/service.ts';
import { typedEvent } from '../../platform/outbox/contract.ts';
import { actorLabel, type Actor } from '../../platform/auth/roles.ts';
import { canonicalJson } from '../../kernel/canonicalJson.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import { problems } from '../../kernel/problem.ts';
import { findEnterpriseById, findEnterpriseByUscc } from '../subjects/service.ts';
import { ratesFor, type RateQuery, type TariffRates } from '../tariff/service.ts';
import { certificateViolation, type CertificateFacts, type CertificateGoods, type OriginViolation } from './rules.ts';
import { originCertificates } from './schema.ts';
import { ORIGIN_EVENTS } from './events.ts';

type Row = typeof originCertificates.$inferSelect;

export interface CertificateInput {
  agreement: string;
  number: string;
  originCountry: string;
  exporter: string;
  importerUscc?: string | undefined;
  goods: CertificateGoods[];
  issuedOn: string;
  validUntil: string;
  status?: 'VALID' | 'REVOKED' | undefined;
}

export interface CertificateView extends CertificateFacts {
  id: string;
  exporter: string;
  importerUscc: string | null;
  source: string;
  recordedBy: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

const facts = (r: Row): CertificateFacts => ({
  agreement: r.agreement,
  number: r.number,
  originCountry: r.originCountry,
  importerEnterpriseId: r.importerEnterpriseId,
  goods: r.goods,
  issuedOn: r.issuedOn,
  validUntil: r.validUntil,
  status: r.status as 'VALID' | 'REVOKED',
});

async function view(ex: Executor, r: Row): Promise<CertificateView> {
  const importer = r.importerEnterpriseId ? await findEnterpriseById(ex, r.importerEnterpriseId) : null;
  return {
    id: r.id,
    ...facts(r),
    exporter: r.exporter,
    importerUscc: importer?.uscc ?? null,
    source: r.source,
    recordedBy: r.recordedBy,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/**
 * Records a certificate: a department client's push (source DEPARTMENT) or an officer's entry
 * (ENTERED). The same content again answers the stored certificate; other content is a new version.
 */
export async function recordCertificate(
  ctx: AppContext,
  actor: Actor,
  input: CertificateInput,
): Promise<CertificateView> {
  return runCommand(ctx, 'origin.certificate', async (tx) => {
    let importerId: string | null = null;
    if (input.importerUscc) {
      const e = await findEnterpriseByUscc(tx, input.importerUscc);
      if (!e) {
        const message = `No enterprise ${input.importerUscc} is registered.`;
        throw problems.rule('origin-importer-unknown', 'Importer unknown', message, [
          { path: 'importerUscc', rule: 'origin.importerUnknown', message },
        ]);
      }
      importerId = e.id;
    }
    const now = ctx.clock.now();
    const content = { ...input, importerUscc: input.importerUscc ?? null, status: input.status ?? 'VALID' };
    const contentHash = createHash('sha256').update(canonicalJson(content)).digest('hex');
    const [existing] = await tx
      .select()
      .from(originCertificates)
      .where(and(eq(originCertificates.agreement, input.agreement), eq(originCertificates.number, input.number)))
      .for('update');
    if (existing?.contentHash === contentHash) return view(tx, existing);
    const row: Row = {
      id: existing?.id ?? uuidv7(now.getTime()),
      agreement: input.agreement,
      number: input.number,
      originCountry: input.originCountry,
      exporter: input.exporter,
      importerEnterpriseId: importerId,
      goods: input.goods,
      issuedOn: input.issuedOn,
      validUntil: input.validUntil,
      status: content.status,
      source: actor.role === 'department' ? 'DEPARTMENT' : 'ENTERED',
      recordedBy: actorLabel(actor),
      version: (existing?.version ?? 0) + 1,
      contentHash,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    if (existing) {
      const { id: _id, createdAt: _c, ...changes } = row;
      await tx.update(originCertificates).set(changes).where(eq(originCertificates.id, existing.id));
    } else await tx.insert(originCertificates).values(row);
    const out = await view(tx, row);
    const { seq } = await appendAudit(tx, {
      actor: actorLabel(actor),
      action: existing ? 'origin.certificate.amend' : 'origin.certificate.record',
      subject: `origin-certificate:${input.agreement}:${input.number}`,
      change: out,
      at: now,
    });
    await enqueueEvents(tx, [
      typedEvent(ORIGIN_EVENTS, existing ? 'OriginCertificateAmended' : 'OriginCertificateRecorded', {
        aggregateType: 'origin-certificate',
        aggregateId: row.id,
        payload: out,
        occurredAt: now,
        auditSeq: seq,
      }),
    ]);
    return out;
  });
}

export async function findCertificate(ex: Executor, agreement: string | null, number: string): Promise<Row | null> {
  const rows = await ex
    .select()
    .from(originCertificates)
    .where(
      agreement
        ? and(eq(originCertificates.agreement, agreement), eq(originCertificates.number, number))
        : eq(originCertificates.number, number),
    )
    .orderBy(asc(originCertificates.agreement))
    .limit(2);
  // Without an agreement, a number two agreements share is ambiguous: no certificate is assumed.
  return rows.length === 1 ? rows[0]! : null;
}

export async function getCertificate(ctx: AppContext, agreement: string, number: string): Promise<CertificateView> {
  const r = await findCertificate(ctx.db, agreement, number);
  if (!r) throw problems.notFound(`Certificate of origin ${agreement} ${number}`);
  return view(ctx.db, r);
}

export async function listCertificates(ctx: AppContext, q: { agreement?: string | undefined }) {
  const rows = await ctx.db
    .select()
    .from(originCertificates)
    .where(q.agreement ? eq(originCertificates.agreement, q.agreement) : undefined)
    .orderBy(asc(originCertificates.agreement), asc(originCertificates.number))
    .limit(500);
  return { items: await Promise.all(rows.map((r) => view(ctx.db, r))) };
}

export interface CertificateCheck {
  certificateNumber: string;
  agreement: string | null;
  hsCode: string;
  originCountry: string;
  enterpriseId: string;
  date: string;
}

/** The check of one certificate against one declaration line: null when it holds, else why not. */
export async function certificateCheck(ex: Executor, c: CertificateCheck): Promise<OriginViolation | null> {
  const cert = await findCertificate(ex, c.agreement, c.certificateNumber);
  return certificateViolation(cert ? facts(cert) : null, { ...c });
}

export interface OriginRates extends TariffRates {
  /** The certificate the preference rests on, when the duty chosen is conventional. */
  certificate: { agreement: string; number: string } | null;
}

/**
 * The duty of a line with the preference granted only on a valid certificate of origin: without a
 * certificate the conventional rate is left out (MFN or provisional applies); with one that fails
 * the check the line is refused (`origin.certificateInvalid` at `path`), never silently taxed
 * otherwise, so the declarant learns the certificate did not hold. Null: no tariff line.
 */
export async function ratesWithOrigin(
  ex: Executor,
  q: Omit<RateQuery, 'conventionalAllowed'> & {
    enterpriseId: string;
    certificateNumber?: string | undefined;
    path: string;
  },
): Promise<OriginRates | null> {
  const { enterpriseId, certificateNumber, path, ...rate } = q;
  if (!certificateNumber) {
    const r = await ratesFor(ex, { ...rate, conventionalAllowed: false });
    return r && { ...r, certificate: null };
  }
  const r = await ratesFor(ex, { ...rate, conventionalAllowed: true });
  if (!r) return null;
  // A certificate matters only where it lowers the duty: when another rate is lower, it is not used.
  if (r.duty.kind !== 'CONVENTIONAL') return { ...r, certificate: null };
  const agreement = r.duty.agreement ?? null;
  const bad = await certificateCheck(ex, {
    certificateNumber,
    agreement,
    hsCode: q.code,
    originCountry: q.origin ?? '',
    enterpriseId,
    date: q.date,
  });
  if (bad) {
    throw problems.rule('origin-certificate-invalid', 'Certificate of origin invalid', bad.message, [
      { path, rule: bad.rule, message: bad.message },
    ]);
  }
  return { ...r, certificate: { agreement: agreement ?? '', number: certificateNumber } };
}
