/**
 * The payments module's public service (税款缴纳): what other modules, the routes and the CLI call.
 * It reads declarations' bills (their schema) and never calls declarations; releasing goods after a
 * payment is the subscriber's (release.ts), wired by the manifest.
 */
export { receiveNotice, noticesOf, type NoticeBody, type NoticeResult } from './service/notices.ts';
export { sweepOverdue, creditAfterPayment, CREDIT_DEPARTMENT, type SweepResult } from './service/sweep.ts';
export { mustSettleBeforeRelease, overdueBills } from './service/hold.ts';
export { paymentStatesOf, withPayment, type PaymentView } from './service/store.ts';
export { listAlerts, billPayment } from './service/read.ts';
export { isSettled, type PaymentState } from './rules.ts';
