import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { lookup as dnsLookupAsync } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { refusedAddressReason } from '../../kernel/ipAddress.ts';
import type { FieldError } from '../../kernel/problem.ts';

/**
 * Webhook calls go to URLs a department typed, from inside our network (server-side request
 * forgery). A URL may reach only public addresses or networks the operator allowed
 * (TIDEGATE_WEBHOOK_ALLOW), checked when it is registered and again at every delivery, where the
 * socket connects to the very address that was checked (no second resolution in between).
 */

/** Why this URL may not be registered, or null. Resolves the host name; every address must pass. */
export async function webhookUrlViolation(urlText: string, allow: readonly string[]): Promise<FieldError | null> {
  const url = new URL(urlText);
  const refuse = (rule: string, message: string): FieldError => ({ path: 'url', rule, message });
  if (url.username || url.password) {
    const message = 'Put no user name or password in the URL; deliveries are signed instead.';
    return refuse('sharing.webhookUrl.credentials', message);
  }
  const host = hostOf(url);
  if (isIP(host)) {
    const reason = refusedAddressReason(host, allow);
    return reason ? refuse('sharing.webhookUrl.address', `Webhooks may not call ${reason}.`) : null;
  }
  let addresses: LookupAddress[];
  try {
    addresses = await dnsLookupAsync(host, { all: true, verbatim: true });
  } catch {
    return refuse('sharing.webhookUrl.unresolvable', `The host name ${host} does not resolve.`);
  }
  const reasons = addresses.map((a) => refusedAddressReason(a.address, allow)).filter((r) => r !== null);
  if (reasons.length === 0) return null;
  return refuse('sharing.webhookUrl.address', `${host} resolves to ${reasons[0]}; webhooks may not call it.`);
}

/** A delivery that did not get a 2xx, with a text safe to show the department (no answer of the receiver in it). */
export class DeliveryError extends Error {}

/**
 * POSTs one delivery and returns the status. Refused addresses fail before any byte is sent;
 * redirects are not followed (a 3xx is a failure, so a signed body is never re-sent elsewhere);
 * the receiver's answer is never read.
 */
export async function postWebhook(
  urlText: string,
  headers: Record<string, string>,
  body: string,
  allow: readonly string[],
  timeoutMs: number,
): Promise<number> {
  const url = new URL(urlText);
  const host = hostOf(url);
  if (isIP(host)) {
    const reason = refusedAddressReason(host, allow);
    if (reason) throw new DeliveryError(`refused: the receiver is ${reason}`);
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const status = await new Promise<number>((resolve, reject) => {
    const req = send(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup: checkedLookup(allow),
      agent: false,
      signal: AbortSignal.timeout(timeoutMs),
    });
    req.on('response', (res: IncomingMessage) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (err) => reject(safeError(err, timeoutMs)));
    req.end(body);
  });
  if (status >= 200 && status < 300) return status;
  const statusClass = `${Math.floor(status / 100)}xx`;
  const redirect = status >= 300 && status < 400;
  throw new DeliveryError(`receiver answered ${statusClass}${redirect ? ' (redirects are not followed)' : ''}`);
}

/** The host of a URL as a resolver or an address check takes it (IPv6 without brackets). */
function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/** A resolver for the socket that fails when any address of the name is refused. */
function checkedLookup(allow: readonly string[]): LookupFunction {
  return (hostname, options, callback) => {
    const family = options.family ? { family: options.family } : {};
    dnsLookup(hostname, { all: true, verbatim: true, ...family }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const reason = addresses.map((a) => refusedAddressReason(a.address, allow)).find((r) => r !== null);
      if (reason) return callback(new DeliveryError(`refused: the receiver resolves to ${reason}`), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      return callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

function safeError(err: Error, timeoutMs: number): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const code = (err as { code?: string }).code;
  if (err.name === 'TimeoutError' || err.name === 'AbortError' || code === 'ABORT_ERR') {
    return new DeliveryError(`no answer within ${timeoutMs / 1000} s`);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new DeliveryError('the receiver host name does not resolve');
  return new DeliveryError(`connection failed${code && /^E[A-Z_]+$/.test(code) ? ` (${code})` : ''}`);
}
