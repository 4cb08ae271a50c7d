/**
 * Certificates of origin (原产地证书) against a declaration line (原产地证书联网验核): pure rules. A
 * conventional (agreement) rate is given only when a certificate of that agreement covers the goods:
 * same origin, the goods' code under one of its goods entries, valid on the declaration day, not
 * revoked, and — when it names an importer — the declarant. No I/O, no clock.
 */

export interface CertificateGoods {
  /** HS code or prefix (6, 8 or 10 digits) of the goods the certificate covers. */
  hsCode: string;
  description: string;
}

export interface CertificateFacts {
  agreement: string;
  number: string;
  originCountry: string;
  importerEnterpriseId: string | null;
  goods: CertificateGoods[];
  issuedOn: string;
  /** Last day the certificate may be used (inclusive). */
  validUntil: string;
  status: 'VALID' | 'REVOKED';
}

export interface DeclaredLine {
  hsCode: string;
  originCountry: string;
  enterpriseId: string;
  date: string;
  /** The agreement whose conventional rate the line would take (from the tariff table). */
  agreement: string | null;
}

export interface OriginViolation {
  rule: 'origin.certificateInvalid';
  /** Which check failed, for the message and the officer. */
  reason: 'missing' | 'revoked' | 'agreement' | 'origin' | 'importer' | 'goods' | 'notYetValid' | 'expired';
  message: string;
}

const invalid = (reason: OriginViolation['reason'], message: string): OriginViolation => ({
  rule: 'origin.certificateInvalid',
  reason,
  message,
});

/** Why a certificate does not support a conventional rate for a line, or null when it does. */
export function certificateViolation(c: CertificateFacts | null, l: DeclaredLine): OriginViolation | null {
  if (!c) return invalid('missing', 'No certificate of origin with this number is on record.');
  const no = `Certificate ${c.agreement} ${c.number}`;
  if (c.status === 'REVOKED') return invalid('revoked', `${no} was revoked.`);
  if (l.agreement !== null && c.agreement !== l.agreement) {
    return invalid('agreement', `${no} is of ${c.agreement}; the conventional rate is of ${l.agreement}.`);
  }
  if (c.originCountry !== l.originCountry) {
    return invalid('origin', `${no} certifies origin ${c.originCountry}, the line declares ${l.originCountry}.`);
  }
  if (c.importerEnterpriseId !== null && c.importerEnterpriseId !== l.enterpriseId) {
    return invalid('importer', `${no} names another importer.`);
  }
  if (!c.goods.some((g) => l.hsCode.startsWith(g.hsCode) || g.hsCode.startsWith(l.hsCode.slice(0, 6)))) {
    const codes = c.goods.map((g) => g.hsCode).join(', ');
    return invalid('goods', `${no} covers ${codes}, not HS ${l.hsCode}.`);
  }
  if (l.date < c.issuedOn) return invalid('notYetValid', `${no} was issued on ${c.issuedOn}, after ${l.date}.`);
  if (l.date > c.validUntil) return invalid('expired', `${no} expired after ${c.validUntil}.`);
  return null;
}
