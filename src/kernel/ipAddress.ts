import { BlockList, isIP } from 'node:net';

/**
 * IP addresses an outbound call made on someone else's behalf (a department's webhook) must not
 * reach unless an operator allowed them: this host, its private networks, the cloud metadata
 * service and every form that leads there (RFC 6890 special-purpose registries).
 */

export interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** "10.1.0.0/16, 127.0.0.1" → CIDRs; a bare address is a /32 or /128. Throws naming the bad entry. */
export function parseCidrList(text: string): Cidr[] {
  return text
    .split(/[\s,]+/)
    .filter((entry) => entry !== '')
    .map(parseCidr);
}

export function parseCidr(entry: string): Cidr {
  const [address = '', prefixText, extra] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) {
    throw new Error(`"${entry}" is not an IP address or CIDR (e.g. 10.20.0.0/16).`);
  }
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
  if (!(prefix >= 0 && prefix <= max)) {
    throw new Error(`"${entry}": the prefix length must be a whole number from 0 to ${max}.`);
  }
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

const REFUSED: readonly (readonly [string, string])[] = [
  // IPv6 forms that carry an IPv4 address (checked first, so they are named as such).
  ['::ffff:0:0/96', 'an IPv4-mapped IPv6 address'],
  ['::/128', 'the unspecified address'],
  ['::1/128', 'a loopback address'],
  ['::/96', 'an IPv4-compatible IPv6 address'],
  ['64:ff9b::/96', 'a NAT64 address'],
  ['64:ff9b:1::/48', 'a local NAT64 address'],
  ['2002::/16', 'a 6to4 address'],
  ['100::/64', 'a discard-only address'],
  ['2001:db8::/32', 'a documentation address'],
  ['fc00::/7', 'a unique-local address'],
  ['fe80::/10', 'a link-local address'],
  ['fec0::/10', 'a site-local address'],
  ['ff00::/8', 'a multicast address'],
  ['0.0.0.0/8', 'the unspecified network'],
  ['10.0.0.0/8', 'a private address'],
  ['100.64.0.0/10', 'a carrier-grade NAT address'],
  ['127.0.0.0/8', 'a loopback address'],
  ['169.254.0.0/16', 'a link-local address'],
  ['172.16.0.0/12', 'a private address'],
  ['192.0.0.0/24', 'an IETF protocol address'],
  ['192.0.2.0/24', 'a documentation address'],
  ['192.88.99.0/24', 'a 6to4 relay address'],
  ['192.168.0.0/16', 'a private address'],
  ['198.18.0.0/15', 'a benchmarking address'],
  ['198.51.100.0/24', 'a documentation address'],
  ['203.0.113.0/24', 'a documentation address'],
  ['224.0.0.0/4', 'a multicast address'],
  ['240.0.0.0/4', 'a reserved address'],
];

function blockListOf(cidrs: readonly Cidr[]): BlockList {
  const list = new BlockList();
  for (const c of cidrs) list.addSubnet(c.address, c.prefix, c.family);
  return list;
}

const refused = REFUSED.map(([cidr, reason]) => ({
  reason,
  list: blockListOf([parseCidr(cidr)]),
  v6: cidr.includes(':'),
}));
const mapped = refused[0]!.list;
const allowLists = new WeakMap<readonly string[], BlockList>();

/** The operator's allow-list (CIDR strings as the configuration keeps them), parsed once per list. */
function allowListOf(allow: readonly string[]): BlockList {
  let list = allowLists.get(allow);
  if (!list) allowLists.set(allow, (list = blockListOf(allow.map(parseCidr))));
  return list;
}

/**
 * Why an address may not be called, or null when it may: public unicast, or inside the allow-list.
 * IPv6 text in brackets (as URL hostnames have it) is accepted.
 */
export function refusedAddressReason(address: string, allow: readonly string[] = []): string | null {
  const ip = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const version = isIP(ip);
  if (version === 0) return 'not an IP address';
  const family = version === 4 ? 'ipv4' : 'ipv6';
  // Mapped forms are refused even when their IPv4 address is allowed: the allow-list names networks
  // in the notation they are reached by, and one notation per address is enough.
  if (family === 'ipv6' && mapped.check(ip, 'ipv6')) return refused[0]!.reason;
  if (allow.length && allowListOf(allow).check(ip, family)) return null;
  for (const r of refused) {
    if (family === 'ipv4' && r.v6) continue;
    if (r.list.check(ip, family)) return r.reason;
  }
  return null;
}
