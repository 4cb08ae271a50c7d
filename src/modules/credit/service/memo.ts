/**
 * The prefix of what a command holds of credit (platform/commandMemo.ts): `creditClassOf` keeps a
 * subject's class for the rest of a command, and every credit writer (classes, inputs, withdrawals,
 * subjects queued for recomputation) forgets it in the same transaction before it writes.
 */
export const CREDIT_MEMO = 'credit.class:';
