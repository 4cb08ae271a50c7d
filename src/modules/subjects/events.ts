/**
 * The subjects module's outbox events (aggregate `enterprise`, id = the enterprise's id), as zod
 * schemas of their payloads: the enterprise and the qualification as the routes answer them.
 */
import { enterpriseOut, qualificationOut } from './wire.ts';

export const SUBJECTS_EVENTS = {
  /** An enterprise registered (its view). */
  EnterpriseRegistered: enterpriseOut,
  /** A qualification granted to an enterprise (its view on the day of the grant). */
  QualificationGranted: qualificationOut,
  /** A qualification given up (its view with the date and the reason). */
  QualificationRelinquished: qualificationOut,
} as const;

export type SubjectsEventType = keyof typeof SUBJECTS_EVENTS;
