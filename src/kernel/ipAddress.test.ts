import { describe, expect, it } from 'vitest';
import { parseCidrList, refusedAddressReason } from './ipAddress.ts';

describe('addresses an outbound call must not reach', () => {
  it.each([
    ['127.0.0.1', 'a loopback address'],
    ['127.255.1.2', 'a loopback address'],
    ['::1', 'a loopback address'],
    ['[::1]', 'a loopback address'],
    ['169.254.169.254', 'a link-local address'],
    ['fe80::1', 'a link-local address'],
    ['10.0.0.1', 'a private address'],
    ['172.31.255.255', 'a private address'],
    ['192.168.1.1', 'a private address'],
    ['fd00::1', 'a unique-local address'],
    ['[fd00::1]', 'a unique-local address'],
    ['::ffff:127.0.0.1', 'an IPv4-mapped IPv6 address'],
    ['::ffff:7f00:1', 'an IPv4-mapped IPv6 address'],
    ['::ffff:8.8.8.8', 'an IPv4-mapped IPv6 address'],
    ['64:ff9b::a9fe:a9fe', 'a NAT64 address'],
    ['2002:7f00:1::', 'a 6to4 address'],
    ['0.0.0.0', 'the unspecified network'],
    ['::', 'the unspecified address'],
    ['100.64.0.1', 'a carrier-grade NAT address'],
    ['224.0.0.1', 'a multicast address'],
    ['255.255.255.255', 'a reserved address'],
    ['ff02::1', 'a multicast address'],
  ])('refuses %s as %s', (address, reason) => {
    expect(refusedAddressReason(address)).toBe(reason);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '2606:4700:4700::1111', '[2001:4860:4860::8888]'])(
    'lets the public address %s through',
    (address) => {
      expect(refusedAddressReason(address)).toBeNull();
    },
  );

  it('lets an operator allow department networks, and only those', () => {
    const allow = parseCidrList('127.0.0.1/32, 10.20.0.0/16 fd12:3456::/32').map((c) => `${c.address}/${c.prefix}`);
    expect(refusedAddressReason('127.0.0.1', allow)).toBeNull();
    expect(refusedAddressReason('127.0.0.2', allow)).toBe('a loopback address');
    expect(refusedAddressReason('10.20.3.4', allow)).toBeNull();
    expect(refusedAddressReason('10.21.0.1', allow)).toBe('a private address');
    expect(refusedAddressReason('fd12:3456::9', allow)).toBeNull();
    expect(refusedAddressReason('fd12:3457::9', allow)).toBe('a unique-local address');
    expect(refusedAddressReason('::ffff:127.0.0.1', allow)).toBe('an IPv4-mapped IPv6 address');
  });

  it('refuses what is not an address, and a malformed allow-list names the entry', () => {
    expect(refusedAddressReason('localhost')).toBe('not an IP address');
    expect(parseCidrList('127.0.0.1')).toEqual([{ address: '127.0.0.1', prefix: 32, family: 'ipv4' }]);
    expect(() => parseCidrList('10.0.0.0/33')).toThrow(
      '"10.0.0.0/33": the prefix length must be a whole number from 0 to 32.',
    );
    expect(() => parseCidrList('10.0.0.0/8, intranet')).toThrow('"intranet" is not an IP address or CIDR');
  });
});
