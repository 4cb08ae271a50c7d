/** The data class of every column of the platform's own tables (docs/data-classification.md). */
import { classify, type TableClasses } from './db/classify.ts';
import { auditAnchorHeads, auditAnchors, auditEntries, auditHeads, auditPartitioning } from './audit/schema.ts';
import { apiClients, loginThrottle, users } from './auth/schema.ts';
import { platformMeta } from './db/schema.ts';
import { idempotencyRecords } from './http/schema.ts';
import { jobLeases } from './leases/schema.ts';
import { outboxCursors, outboxEvents } from './outbox/schema.ts';
import { policyParameters } from './parameters/schema.ts';
import { referenceVersions } from './reference/schema.ts';
import { verifyCheckpoints } from './verify/schema.ts';
import { archivedPartitions } from './partitions/schema.ts';

export const PLATFORM_CLASSIFICATION: readonly TableClasses[] = [
  classify(
    auditAnchorHeads,
    { general: ['anchorSeq', 'partition', 'pseq', 'hash', 'hashes'] },
    'Hashes that anchor the audit chains.',
  ),
  classify(
    auditAnchors,
    { general: ['seq', 'at', 'partitionCount', 'root', 'prevHash', 'hash'] },
    'Root hashes over the audit partitions.',
  ),
  classify(
    auditEntries,
    {
      important: ['change'],
      general: ['seq', 'at', 'actor', 'action', 'subject', 'prevHash', 'hash', 'partition', 'pseq', 'format'],
    },
    'The audited change carries business records of every kind (risk verdicts too).',
  ),
  classify(auditHeads, { general: ['partition', 'pseq', 'hash', 'seq'] }, 'Heads of the audit chains.'),
  classify(auditPartitioning, { general: ['id', 'partitions', 'chosenAt'] }, 'How many audit chains.'),
  classify(
    apiClients,
    { core: ['keyHash'], general: ['id', 'name', 'role', 'keyPrefix', 'scope', 'createdBy', 'createdAt', 'revokedAt'] },
    'The key digest opens the API.',
  ),
  classify(
    loginThrottle,
    {
      important: ['key'],
      general: ['kind', 'failures', 'windowStartedAt', 'lockedUntil', 'lockouts', 'lastFailureAt'],
    },
    'A user name or client address (personal data).',
  ),
  classify(
    users,
    {
      core: ['passwordHash'],
      important: ['username', 'displayName'],
      general: ['id', 'role', 'enterpriseId', 'disabled', 'createdAt'],
    },
    'Password digest; staff names.',
  ),
  classify(platformMeta, { general: ['key', 'value'] }, 'Facts about the database itself.'),
  classify(
    idempotencyRecords,
    {
      important: ['body', 'results'],
      general: [
        'actor',
        'key',
        'method',
        'path',
        'requestHash',
        'status',
        'createdAt',
        'owner',
        'leaseUntil',
        'committedAt',
      ],
    },
    'Stored answers may hold anything a route answers.',
  ),
  classify(
    archivedPartitions,
    {
      general: [
        'id',
        'tableName',
        'partitionName',
        'rangeFrom',
        'rangeTo',
        'rows',
        'fileName',
        'bytes',
        'sha256',
        'archivedBy',
        'archivedAt',
        'restoredBy',
        'restoredAt',
      ],
    },
    'The archive register: which months left for which file.',
  ),
  classify(
    jobLeases,
    { general: ['job', 'holder', 'expiresAt', 'acquiredAt'] },
    'Which process runs each scheduled job.',
  ),
  classify(outboxCursors, { general: ['consumer', 'position', 'lastError', 'updatedAt'] }, 'Consumer positions.'),
  classify(
    outboxEvents,
    {
      important: ['payload'],
      general: ['id', 'aggregateType', 'aggregateId', 'eventType', 'auditSeq', 'occurredAt', 'txId'],
    },
    'Event payloads carry business records.',
  ),
  classify(
    policyParameters,
    { general: ['id', 'name', 'value', 'validFrom', 'validTo', 'setBy', 'reason', 'createdAt'] },
    'Published policy.',
  ),
  classify(referenceVersions, { general: ['kind', 'version'] }, 'Versions of reference data.'),
  classify(
    verifyCheckpoints,
    { general: ['verifier', 'key', 'position', 'hash', 'seq', 'flag', 'verifiedAt'] },
    'Where verifications ended.',
  ),
];
