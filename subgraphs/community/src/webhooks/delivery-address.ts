import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import ipaddr from 'ipaddr.js';

/*
 * Where a webhook may be delivered. A delivery URL is chosen by whoever
 * subscribes, so without a guard the platform would make requests on their
 * behalf into its own network (server-side request forgery): to the
 * database, to a cloud metadata service, to the subgraphs. The guard runs
 * when a subscription is created (so a mistake is named at once) and again
 * at every delivery, on the addresses DNS gives at that moment, inside the
 * connection's own lookup: the socket connects to an address this module
 * checked, so a name that resolves to a public address when checked and to
 * 127.0.0.1 a moment later (DNS rebinding) cannot switch it.
 */

/** Why an address is refused. */
export type AddressRefusal =
  | 'LOOPBACK'
  | 'PRIVATE'
  | 'LINK_LOCAL'
  | 'CARRIER_GRADE_NAT'
  | 'UNIQUE_LOCAL'
  | 'MULTICAST'
  | 'UNSPECIFIED'
  | 'RESERVED'
  | 'PLATFORM_ADDRESS'
  | 'DENIED_BY_SETTING';

export interface AddressPolicy {
  /** WEBHOOKS_ALLOW_PRIVATE_ADDRESSES: loopback, private, link-local, CGNAT, ULA and this host's own addresses are allowed (local development, tests). */
  allowPrivate: boolean;
  /** The platform's own endpoints (the public graph, this service), refused even when private addresses are allowed: `address:port`. */
  platformEndpoints: ReadonlySet<string>;
  /** WEBHOOKS_DENIED_ADDRESSES: further ranges an operator refuses (a load balancer, an internal network with public addresses). */
  denied: readonly [ipaddr.IPv4 | ipaddr.IPv6, number][];
}

/** A delivery URL or address the policy refuses; its `reason` says which rule. */
export class WebhookAddressRefused extends Error {
  override name = 'WebhookAddressRefused';
  constructor(
    readonly reason: AddressRefusal | 'UNRESOLVABLE' | 'INVALID_URL',
    message: string,
  ) {
    super(message);
  }
}

// Ranges that never hold a receiver, whatever the settings say.
const NEVER: Record<string, AddressRefusal> = {
  unspecified: 'UNSPECIFIED',
  multicast: 'MULTICAST',
  broadcast: 'MULTICAST',
  reserved: 'RESERVED',
};
// Ranges of a local network or this host: allowed only with WEBHOOKS_ALLOW_PRIVATE_ADDRESSES.
const LOCAL: Record<string, AddressRefusal> = {
  loopback: 'LOOPBACK',
  private: 'PRIVATE',
  linkLocal: 'LINK_LOCAL',
  carrierGradeNat: 'CARRIER_GRADE_NAT',
  uniqueLocal: 'UNIQUE_LOCAL',
};

/** The address as it is routed: an IPv4-mapped (`::ffff:127.0.0.1`) or NAT64 (`64:ff9b::7f00:1`) IPv6 address is its IPv4 address. */
function routed(address: string): ipaddr.IPv4 | ipaddr.IPv6 {
  const parsed = ipaddr.process(address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).range() === 'rfc6052') {
    const bytes = (parsed as ipaddr.IPv6).toByteArray().slice(12);
    return ipaddr.fromByteArray(bytes);
  }
  return parsed;
}

let ownAddresses: Set<string> | null = null;
/** Every address of this host's network interfaces (public ones included): the platform's own. */
function hostAddresses(): Set<string> {
  ownAddresses ??= new Set(
    Object.values(networkInterfaces())
      .flat()
      .filter((i) => i !== undefined)
      .map((i) => routed(i.address).toNormalizedString()),
  );
  return ownAddresses;
}

/** Why the address is refused, or null when a webhook may be delivered to it (on this port). */
export function refusalOf(address: string, port: number, policy: AddressPolicy): AddressRefusal | null {
  const ip = routed(address);
  const normalized = ip.toNormalizedString();
  if (policy.platformEndpoints.has(`${normalized}:${port}`)) return 'PLATFORM_ADDRESS';
  const range = ip.range();
  if (NEVER[range]) return NEVER[range];
  if (policy.denied.some(([net, bits]) => ip.kind() === net.kind() && ip.match(net, bits))) return 'DENIED_BY_SETTING';
  if (policy.allowPrivate) return null;
  if (LOCAL[range]) return LOCAL[range];
  if (range !== 'unicast') return 'RESERVED';
  if (hostAddresses().has(normalized)) return 'PLATFORM_ADDRESS';
  return null;
}

/** A delivery URL's scheme, host and port, or a refusal naming what is wrong with it. */
export function parseDeliveryUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new WebhookAddressRefused('INVALID_URL', 'The delivery URL is not a valid absolute URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new WebhookAddressRefused('INVALID_URL', 'The delivery URL must use https (or http).');
  if (url.username || url.password) throw new WebhookAddressRefused('INVALID_URL', 'The delivery URL must not hold a user name or password; the signature authenticates deliveries.');
  return url;
}

export function portOf(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

const describe = (reason: AddressRefusal, address: string) =>
  `Webhooks are not delivered to ${address}: ${
    {
      LOOPBACK: 'a loopback address',
      PRIVATE: 'a private network address (RFC 1918)',
      LINK_LOCAL: 'a link-local address',
      CARRIER_GRADE_NAT: 'a carrier-grade NAT address (RFC 6598)',
      UNIQUE_LOCAL: 'a unique local IPv6 address',
      MULTICAST: 'a multicast or broadcast address',
      UNSPECIFIED: 'the unspecified address',
      RESERVED: 'a reserved address',
      PLATFORM_ADDRESS: "one of the platform's own addresses",
      DENIED_BY_SETTING: 'an address the operator refuses',
    }[reason]
  }.`;

/** Throws WebhookAddressRefused when the address may not receive deliveries. */
export function checkAddress(address: string, port: number, policy: AddressPolicy): void {
  const reason = refusalOf(address, port, policy);
  if (reason) throw new WebhookAddressRefused(reason, describe(reason, address));
}

export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));

/**
 * Resolves a delivery URL's host and checks every address it has: one
 * refused address refuses the URL (a name with a public and a private
 * record could otherwise be steered to the private one).
 */
export async function checkedAddresses(url: URL, policy: AddressPolicy, resolve: Resolver = systemResolver): Promise<LookupAddress[]> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = portOf(url);
  if (isIP(host)) {
    checkAddress(host, port, policy);
    return [{ address: host, family: isIP(host) }];
  }
  let addresses: LookupAddress[];
  try {
    addresses = await resolve(host);
  } catch (error) {
    throw new WebhookAddressRefused('UNRESOLVABLE', `The delivery host ${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  if (addresses.length === 0) throw new WebhookAddressRefused('UNRESOLVABLE', `The delivery host ${host} has no address.`);
  for (const { address } of addresses) {
    // The refusal names the rule, not the address: this installation's resolver may know internal names, and their addresses are not the subscriber's to learn.
    const reason = refusalOf(address, port, policy);
    if (reason) throw new WebhookAddressRefused(reason, describe(reason, `${host} (as this installation resolves it)`));
  }
  return addresses;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for node:http(s) that resolves the host, checks the addresses
 * and hands the socket only those: the connection goes to what was checked.
 * (node:net calls no lookup for an IP literal; checkedAddresses covers those
 * before the request starts.)
 */
export function guardedLookup(port: number, policy: AddressPolicy, resolve: Resolver = systemResolver) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    checkedAddresses(new URL(`http://${isIP(hostname) === 6 ? `[${hostname}]` : hostname}:${port}/`), policy, resolve).then(
      (addresses) => (options.all ? callback(null, addresses) : callback(null, addresses[0].address, addresses[0].family)),
      (error: NodeJS.ErrnoException) => callback(error, options.all ? [] : ''),
    );
  };
}

/** Parses WEBHOOKS_DENIED_ADDRESSES: CIDR ranges or single addresses, separated by commas. */
export function parseDeniedRanges(text: string): [ipaddr.IPv4 | ipaddr.IPv6, number][] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      if (part.includes('/')) return ipaddr.parseCIDR(part);
      const ip = ipaddr.parse(part);
      return [ip, ip.kind() === 'ipv4' ? 32 : 128] as [ipaddr.IPv4 | ipaddr.IPv6, number];
    });
}

/** `address:port` of a URL whose host is an address or resolves to some: the platform's own endpoints. */
export async function endpointsOf(urls: readonly string[], resolve: Resolver = systemResolver): Promise<Set<string>> {
  const endpoints = new Set<string>();
  for (const text of urls) {
    const url = new URL(text);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const addresses = isIP(host) ? [host] : await resolve(host).then((a) => a.map((x) => x.address), () => []);
    for (const address of addresses) endpoints.add(`${routed(address).toNormalizedString()}:${portOf(url)}`);
  }
  return endpoints;
}
