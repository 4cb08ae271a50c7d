/** The data class of every column of the dutyfree tables (docs/data-classification.md). */
import { classify, type TableClasses } from '../../platform/db/classify.ts';
import {
  dutyfreeBans,
  dutyfreeBuyerFacts,
  dutyfreeBuyers,
  dutyfreeCodes,
  dutyfreeDepartures,
  dutyfreeQuotas,
  dutyfreeReservationItems,
  dutyfreeReservations,
  dutyfreeShops,
  dutyfreeTrips,
  dutyfreeRiskRefusals,
} from './schema.ts';

export const CLASSIFICATION: readonly TableClasses[] = [
  classify(
    dutyfreeBans,
    {
      important: ['reason', 'liftReason'],
      general: ['id', 'buyerId', 'validFrom', 'validTo', 'factId', 'createdBy', 'createdAt', 'liftedAt', 'liftedBy'],
    },
    'Why a buyer is banned.',
  ),
  classify(
    dutyfreeBuyerFacts,
    {
      important: ['detail'],
      general: [
        'id',
        'buyerId',
        'kind',
        'occurredOn',
        'reservationId',
        'code',
        'shopCode',
        'source',
        'requestKey',
        'auditSeq',
        'createdAt',
      ],
    },
    "A buyer's behaviour.",
  ),
  classify(
    dutyfreeBuyers,
    {
      core: ['idNumberHash', 'idNumberEncrypted', 'nameEncrypted', 'idNumberMasked', 'nameMasked', 'birthDate'],
      general: ['id', 'idType', 'islandResident', 'createdAt'],
    },
    'Personal identifiers of travellers.',
  ),
  classify(
    dutyfreeCodes,
    {
      general: [
        'code',
        'reservationId',
        'lineNo',
        'unitNo',
        'buyerId',
        'shopCode',
        'tripId',
        'collection',
        'category',
        'soldAt',
        'status',
        'returnedAt',
        'pickedUpAt',
        'pickupPoint',
      ],
    },
    'Traceability codes (anyone may look one up).',
  ),
  classify(
    dutyfreeDepartures,
    {
      important: ['mode', 'number', 'departureDate', 'departedAt'],
      general: ['id', 'buyerId', 'source', 'reportedBy', 'createdAt'],
    },
    "A person's travel.",
  ),
  classify(
    dutyfreeQuotas,
    { important: ['quota', 'used', 'reserved'], general: ['buyerId', 'year', 'updatedAt'] },
    "A person's purchases.",
  ),
  classify(
    dutyfreeReservationItems,
    {
      important: ['unitPrice', 'quantity', 'amount', 'returnedQuantity'],
      general: ['reservationId', 'lineNo', 'sku', 'name', 'category', 'piecesPerUnit', 'volumeMl'],
    },
    'What a person bought.',
  ),
  classify(
    dutyfreeReservations,
    {
      core: ['payerHash', 'phoneHash', 'addressHash', 'accountHash', 'deviceHash', 'personalEncrypted'],
      important: ['amount', 'returnedAmount', 'quotaLeft'],
      general: [
        'id',
        'shopCode',
        'requestId',
        'requestHash',
        'buyerId',
        'tripId',
        'quotaYear',
        'purchaseDate',
        'collection',
        'status',
        'expiresAt',
        'createdBy',
        'createdAt',
        'confirmedAt',
        'closedAt',
        'parameterVersions',
      ],
    },
    'Payer, phone, address, account and device of a buyer; amounts.',
  ),
  classify(dutyfreeShops, { general: ['code', 'nameZh', 'nameEn', 'city', 'operator', 'active'] }, 'The shops.'),
  classify(
    dutyfreeTrips,
    { important: ['mode', 'number', 'departureDate', 'destination'], general: ['id', 'buyerId', 'createdAt'] },
    "A person's travel.",
  ),
  classify(
    dutyfreeRiskRefusals,
    {
      core: ['personHash', 'idNumberMasked', 'nameMasked'],
      important: ['amount', 'rule', 'level', 'score', 'facts', 'fired'],
      general: ['id', 'shopCode', 'requestId', 'idType', 'businessDate', 'featureSetVersion', 'auditSeq', 'createdAt'],
    },
    'A buyer refused at the till: who (digest, masked identifiers) and the risk verdict.',
  ),
];
