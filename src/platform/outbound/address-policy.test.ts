import { describe, expect, it } from 'vitest';
import { isPublicAddress, outboundAddressPolicy } from './address-policy.ts';

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1', '127.1.2.3', '0.0.0.0', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1',
    '169.254.169.254', '100.64.0.1', '224.0.0.1', '255.255.255.255',
    '::1', '::', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:a9fe:a9fe', '64:ff9b::7f00:1', '2002:7f00:1::',
    'fc00::1', 'fd00:ec2::254', 'fe80::1', 'fe80::1%eth0', 'ff02::1', 'not-an-ip', '',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['93.184.215.14', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '2a00:1450:4001:81c::200e'])(
    'allows %s',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );
});

describe('outboundAddressPolicy', () => {
  it('allows private and loopback ranges only when the operator says so', () => {
    expect(outboundAddressPolicy(false)('127.0.0.1')).toBe(false);
    expect(outboundAddressPolicy(false)('10.0.0.1')).toBe(false);
    for (const address of ['127.0.0.1', '10.0.0.1', '::1', '8.8.8.8']) expect(outboundAddressPolicy(true)(address)).toBe(true);
    expect(outboundAddressPolicy(true)('not-an-ip')).toBe(false);
  });
});
