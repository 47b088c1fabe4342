import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Addresses a webhook must never reach in production: loopback, private, link-local (the
 * instance and task metadata endpoints live there), carrier-grade NAT, multicast, reserved
 * and documentation ranges, in both families.
 */
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  // IPv4-compatible (::a.b.c.d, deprecated) and IPv4-translated forms: no receiver lives there.
  ['::', 96],
  ['::ffff:0:0:0', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  // 6to4 (deprecated) wraps an IPv4 address a relay would reach on our behalf.
  ['2002::', 16],
  ['fc00::', 7],
  ['fec0::', 10],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}

/** A webhook target this deployment may not call; the message names no URL or address. */
export class WebhookTargetRefused extends Error {
  override readonly name = 'WebhookTargetRefused';
}

/** NAT64's well-known prefix: a DNS64 network reaches every IPv4 receiver through it, so it is judged by the IPv4 inside. */
const NAT64 = new BlockList();
NAT64.addSubnet('64:ff9b::', 96, 'ipv6');

/**
 * Whether an address is one a production webhook may not reach. IPv4-mapped and NAT64
 * addresses are judged by the IPv4 address they carry, in any notation (BlockList compares
 * mapped forms with the IPv4 ranges itself).
 */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  if (family === 4) return PRIVATE.check(address, 'ipv4');
  if (NAT64.check(address, 'ipv6')) return PRIVATE.check(embeddedIpv4(address), 'ipv4');
  return PRIVATE.check(address, 'ipv6');
}

/** The IPv4 address in the last 32 bits of an IPv6 address. */
function embeddedIpv4(address: string): string {
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (dotted) return dotted[1] as string;
  const groups = address.split(':');
  const low = parseInt(groups.at(-1) || '0', 16);
  const high = parseInt(groups.at(-2) || '0', 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

export interface TargetPolicy {
  /** The embedded default and tests deliver to loopback receivers; production never does. */
  allowPrivate: boolean;
}

/** Refuses a URL this deployment must not call, before any connection: scheme, credentials, literal addresses. */
export function checkWebhookUrl(url: URL, policy: TargetPolicy): void {
  if (url.username || url.password) throw new WebhookTargetRefused('a webhook URL may not carry credentials');
  if (url.protocol !== 'https:' && !(policy.allowPrivate && url.protocol === 'http:')) throw new WebhookTargetRefused('webhooks are delivered over https only');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!policy.allowPrivate && isIP(host) !== 0 && isPrivateAddress(host)) throw new WebhookTargetRefused('the webhook host is a private or loopback address');
}

/**
 * A DNS lookup for the delivery's socket that refuses private answers: the check runs on the
 * address the socket then connects to, so a name that resolves to a public address when
 * checked and to 127.0.0.1 when connected (DNS rebinding) cannot slip through.
 */
export function guardedLookup(policy: TargetPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const allowed = policy.allowPrivate ? addresses : addresses.filter((a) => !isPrivateAddress(a.address));
      if (allowed.length === 0) return callback(new WebhookTargetRefused('the webhook host resolves only to private or loopback addresses'), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
      const [first] = allowed as [LookupAddress];
      callback(null, first.address, first.family);
    });
  };
}
