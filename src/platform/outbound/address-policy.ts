import { BlockList, isIP } from 'node:net';

/**
 * Address ranges no outbound request of the server may reach unless the operator allows private addresses
 * (PORTRAIT_ALLOW_PRIVATE_OUTBOUND): the host itself, the private networks it sits in,
 * cloud metadata endpoints (169.254.169.254, fd00:ec2::254) and ranges that embed an IPv4 address in IPv6
 * (v4-mapped, NAT64, 6to4), which would otherwise smuggle 127.0.0.1 past an IPv4-only check.
 */
// Two lists: a BlockList holding ::ffff:0:0/96 would also match every plain IPv4 address.
const blockedV4 = new BlockList();
const blockedV6 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  blockedV4.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['::ffff:0:0', 96], // IPv4-mapped
  ['::', 96], // IPv4-compatible (deprecated)
  ['64:ff9b::', 96], // NAT64
  ['64:ff9b:1::', 48],
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments (Teredo, ORCHID, …)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4
  ['fc00::', 7], // unique-local (includes fd00:ec2::254)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  blockedV6.addSubnet(net, prefix, 'ipv6');
}

/** Decides whether an outbound request may connect to a resolved address. */
export type AddressPolicy = (address: string) => boolean;

/** The default policy: only globally routable unicast addresses. Anything unparsable is refused. */
export const isPublicAddress: AddressPolicy = (address) => {
  const family = isIP(address);
  if (family === 4) return !blockedV4.check(address, 'ipv4');
  if (family === 6) return !blockedV6.check(address.replace(/%.*$/, ''), 'ipv6');
  return false;
};

/** Any address at all: the operator's PORTRAIT_ALLOW_PRIVATE_OUTBOUND=true (on-premises IdPs, tests on loopback). */
export const isAnyAddress: AddressPolicy = (address) => isIP(address.replace(/%.*$/, '')) !== 0;

/** The policy the server's outbound requests follow under the operator's setting. */
export function outboundAddressPolicy(allowPrivate: boolean): AddressPolicy {
  return allowPrivate ? isAnyAddress : isPublicAddress;
}
