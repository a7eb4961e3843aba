import type { IncomingMessage } from 'node:http';
import { testGatewayIdentityEnv } from '@dbwe/platform/testing';
import { clientAddresses } from './client-address';
import { proxyTrust, readGatewayConfig } from './config';

/** A request as it reaches the gateway: from `peer`, with these headers. */
const request = (peer: string, headers: Record<string, string> = {}) => ({ socket: { remoteAddress: peer }, headers }) as unknown as IncomingMessage;

describe('client address from X-Forwarded-For, read from the right', () => {
  it('takes the socket address when no proxy is trusted, whatever the header says', () => {
    const addresses = clientAddresses({ hops: 0, proxies: [] });
    expect(addresses.of(request('203.0.113.7', { 'x-forwarded-for': '198.51.100.1' }))).toBe('203.0.113.7');
  });

  it('with one hop, takes the entry the proxy appended, not the ones the client wrote', () => {
    const addresses = clientAddresses({ hops: 1, proxies: [] });
    expect(addresses.of(request('10.0.0.2', { 'x-forwarded-for': '1.2.3.4, 198.51.100.1, 203.0.113.7' }))).toBe('203.0.113.7');
    expect(addresses.of(request('10.0.0.2'))).toBe('10.0.0.2');
  });

  it('with two hops, the entry before the second proxy', () => {
    const addresses = clientAddresses({ hops: 2, proxies: [] });
    expect(addresses.of(request('10.0.0.2', { 'x-forwarded-for': '1.2.3.4, 203.0.113.7, 10.0.0.1' }))).toBe('203.0.113.7');
  });

  it('with a trusted proxy list, skips every listed proxy from the right and stops at the first other address', () => {
    const addresses = clientAddresses({ hops: 0, proxies: ['10.0.0.0/8'] });
    expect(addresses.of(request('10.0.0.2', { 'x-forwarded-for': '1.2.3.4, 203.0.113.7, 10.0.0.1' }))).toBe('203.0.113.7');
    // A client that is not a listed proxy is not believed about anyone.
    expect(addresses.of(request('203.0.113.9', { 'x-forwarded-for': '1.2.3.4' }))).toBe('203.0.113.9');
    expect(addresses.isProxy('10.1.2.3')).toBe(true);
    expect(addresses.isProxy('203.0.113.9')).toBe(false);
  });

  it('believes X-Forwarded-Proto only from a trusted proxy, by its last value', () => {
    expect(clientAddresses({ hops: 0, proxies: [] }).overHttps(request('203.0.113.7', { 'x-forwarded-proto': 'https' }))).toBe(false);
    const behind = clientAddresses({ hops: 1, proxies: [] });
    expect(behind.overHttps(request('10.0.0.2', { 'x-forwarded-proto': 'https' }))).toBe(true);
    expect(behind.overHttps(request('10.0.0.2', { 'x-forwarded-proto': 'https, http' }))).toBe(false);
  });
});

describe('proxy settings', () => {
  const config = (env: Record<string, string>) => readGatewayConfig({ ...testGatewayIdentityEnv(), JWT_SECRET: 'x'.repeat(32), ...env });

  it('reads the deprecated TRUST_PROXY=true as one hop, with a warning', () => {
    const warnings: string[] = [];
    expect(proxyTrust(config({ TRUST_PROXY: 'true' }), (w) => warnings.push(w))).toEqual({ hops: 1, proxies: [] });
    expect(warnings).toEqual([expect.stringMatching(/TRUST_PROXY is deprecated.*TRUST_PROXY_HOPS=1/)]);
    expect(proxyTrust(config({ TRUST_PROXY_HOPS: '2' }), (w) => warnings.push(w))).toEqual({ hops: 2, proxies: [] });
    expect(warnings).toHaveLength(1);
  });

  it('refuses a proxy list that is not addresses or subnets, naming the setting', () => {
    expect(() => config({ TRUSTED_PROXIES: '10.0.0.0/8, not-an-address' })).toThrow(/TRUSTED_PROXIES/);
    expect(config({ TRUSTED_PROXIES: '10.0.0.0/8, loopback' }).TRUSTED_PROXIES).toEqual(['10.0.0.0/8', 'loopback']);
  });
});
