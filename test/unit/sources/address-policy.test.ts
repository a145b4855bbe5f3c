import { describe, expect, it } from 'vitest';
import { classifyAddress, ipLiteralOf } from '../../../connectors/sources/address-policy';

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'a loopback address'],
    ['127.8.9.10', 'a loopback address'],
    ['10.0.0.1', 'a private address'],
    ['172.16.0.1', 'a private address'],
    ['172.31.255.254', 'a private address'],
    ['192.168.1.1', 'a private address'],
    ['169.254.169.254', 'a link-local address (cloud metadata endpoint)'],
    ['169.254.1.1', 'a link-local address'],
    ['100.64.0.1', 'a carrier-grade NAT (100.64/10) address'],
    ['100.127.255.254', 'a carrier-grade NAT (100.64/10) address'],
    ['0.0.0.0', 'an unspecified address'],
    ['0.1.2.3', 'an unspecified address'],
    ['224.0.0.251', 'a multicast address'],
    ['255.255.255.255', 'a broadcast address'],
    ['240.0.0.1', 'a reserved address'],
    ['::1', 'a loopback address'],
    ['::', 'an unspecified address'],
    ['fc00::1', 'a unique-local address'],
    ['fd12:3456::1', 'a unique-local address'],
    ['fe80::1', 'a link-local address'],
    ['ff02::1', 'a multicast address'],
    ['fd00:ec2::254', 'a unique-local address (cloud metadata endpoint)'],
    ['::ffff:127.0.0.1', 'a loopback address (embedded in IPv6)'],
    ['::ffff:7f00:1', 'a loopback address (embedded in IPv6)'],
    ['::ffff:169.254.169.254', 'a link-local address (cloud metadata endpoint) (embedded in IPv6)'],
    ['::ffff:10.1.2.3', 'a private address (embedded in IPv6)'],
    ['::7f00:1', 'a loopback address (embedded in IPv6)'],
    ['64:ff9b::a00:1', 'a private address (embedded in IPv6)'],
    ['2002:c0a8:101::1', 'a private address (embedded in IPv6)'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'a Teredo tunnel address'],
  ])('refuses %s as %s', (ip, why) => {
    expect(classifyAddress(ip)).toEqual({ allowed: false, why });
  });

  it.each([
    '8.8.8.8',
    '93.184.216.34',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
  ])('allows the public address %s', (ip) => {
    expect(classifyAddress(ip)).toEqual({ allowed: true });
  });

  it('refuses what is not an address at all', () => {
    expect(classifyAddress('example.com').allowed).toBe(false);
  });
});

describe('ipLiteralOf', () => {
  it('recognises IP hosts as the URL parser leaves them, and only those', () => {
    expect(ipLiteralOf(new URL('http://[::1]:8080/').hostname)).toBe('::1');
    expect(ipLiteralOf(new URL('http://2130706433/').hostname)).toBe('127.0.0.1');
    expect(ipLiteralOf(new URL('http://0x7f.1/').hostname)).toBe('127.0.0.1');
    expect(ipLiteralOf(new URL('http://[::ffff:127.0.0.1]/').hostname)).toBe('::ffff:7f00:1');
    expect(ipLiteralOf('intranet.example')).toBeNull();
  });
});
