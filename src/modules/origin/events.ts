/**
 * The origin module's outbox events (aggregate `origin-certificate`, id = the certificate's id), as
 * zod schemas of their payloads: the certificate as the routes answer it.
 */
import { certificateOut } from './wire.ts';

export const ORIGIN_EVENTS = {
  /** A certificate of origin recorded for the first time (a department's push or an officer's entry). */
  OriginCertificateRecorded: certificateOut,
  /** A certificate recorded again with other content (its new version). */
  OriginCertificateAmended: certificateOut,
} as const;

export type OriginEventType = keyof typeof ORIGIN_EVENTS;
