import { createHmac } from 'node:crypto';

/**
 * Retry back-off: 1 s, 2 s, 4 s … capped at 10 minutes. A department down for a day gets everything once it is back.
 */
export function backoffMs(failures: number): number {
  return Math.min(600_000, 1000 * 2 ** Math.min(Math.max(failures - 1, 0), 20));
}

/**
 * The signature a receiver checks: HMAC-SHA256 over "<timestamp>.<body>", sent as
 * `Tidegate-Signature: t=<timestamp>,v1=<hex>` (the timestamp stops replays of old deliveries).
 */
export function signPayload(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function verifySignature(
  secret: string,
  header: string,
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!m) return false;
  const t = Number(m[1]);
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  return signPayload(secret, t, body) === header;
}
