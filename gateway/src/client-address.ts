import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

/** Which hops in front of the gateway are its own proxies: their word on the client's address is taken. */
export interface ProxyTrust {
  /** How many proxies, counted from the gateway, append to X-Forwarded-For. */
  hops: number;
  /** Addresses or subnets of proxies (proxy-addr's notation: `10.0.0.0/8`, `loopback`, …), trusted wherever they stand. */
  proxies: string[];
}

export interface ClientAddresses {
  /** The client's address: the socket's, or the X-Forwarded-For entry the nearest untrusted hop was seen from. */
  of(req: IncomingMessage): string;
  /** Whether a connection from this address is one of our proxies': then it carries many clients. */
  isProxy(address: string): boolean;
  /** Whether the request reached the first trusted proxy over HTTPS, as that proxy says in X-Forwarded-Proto. */
  overHttps(req: IncomingMessage): boolean;
}

/**
 * Reads X-Forwarded-For from the right, as proxy-addr (Express's `trust proxy`) does: each proxy appends
 * the address it was reached from, so only the entries our own proxies appended are facts; the leftmost
 * ones are whatever the client sent. The address is the first entry, from the right, that no trusted
 * proxy stands behind.
 */
export function clientAddresses(trust: ProxyTrust): ClientAddresses {
  const listed = trust.proxies.length > 0 ? proxyaddr.compile(trust.proxies) : () => false;
  const trusted = (address: string, hop: number) => hop < trust.hops || listed(address, hop);
  const anyTrusted = trust.hops > 0 || trust.proxies.length > 0;
  return {
    of(req) {
      if (!anyTrusted) return req.socket.remoteAddress ?? 'unknown';
      return proxyaddr(req, trusted) ?? 'unknown';
    },
    isProxy: (address) => anyTrusted && trusted(address, 0),
    overHttps(req) {
      const peer = req.socket.remoteAddress;
      if (!anyTrusted || !peer || !trusted(peer, 0)) return false;
      const proto = req.headers['x-forwarded-proto'];
      // The nearest proxy's word is the last one: a proxy that appends puts its own at the end.
      const said = (Array.isArray(proto) ? proto.join(',') : proto ?? '').split(',').map((p) => p.trim().toLowerCase());
      return said.at(-1) === 'https';
    },
  };
}
