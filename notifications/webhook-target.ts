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
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}

/** A webhook target this deployment may not call; the message names no URL or address. */
export class WebhookTargetRefused extends Error {
  override readonly name = 'WebhookTargetRefused';
}

/** Whether an address is one a production webhook may not reach (IPv4-mapped IPv6 is judged as IPv4). */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1] as string, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
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
