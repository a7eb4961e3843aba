import { randomUUID } from 'node:crypto';
import { newEd25519KeyPair, publicKeyObject, signingKeyFromSeed } from '../ed25519';
import { eventSource, eventType, toStructured, type StoredEvent } from './envelope';
import { canonicalJson, EventSignatureRefused, parseSigned, signEvent } from './signature';

/*
 * What a consumer accepts: exactly the event its source signed, after the
 * trip through the engine's jsonb (which reorders object keys), and nothing
 * else: not another subgraph's signature, not a changed attribute.
 */
const projects = signingKeyFromSeed(newEd25519KeyPair().seed);
const ledger = signingKeyFromSeed(newEd25519KeyPair().seed);
const keys = { projects: publicKeyObject(projects.publicKey), ledger: publicKeyObject(ledger.publicKey) };

const event: StoredEvent = {
  id: randomUUID(),
  source: eventSource('projects'),
  type: eventType('projects', 'wish.adopted'),
  subject: 'wishes/1',
  time: '2026-05-01T10:00:00.000Z',
  neighbourhoodId: randomUUID(),
  sequence: 7,
  data: { wishId: randomUUID(), projectId: randomUUID(), adoptedAt: '2026-05-01T10:00:00.000Z', lines: [{ b: 1, a: 'x' }], tags: ['b', 'a'] },
};
const delivered = (e: StoredEvent) => JSON.parse(JSON.stringify(toStructured(e)));

describe('signed events', () => {
  it('carries the signature as the dbwesig extension, and verifies after its data was reordered', () => {
    const signed = signEvent(event, projects);
    const structured = delivered(signed);
    expect(structured.dbwesig).toBe(signed.signature);
    const reordered = { ...structured, data: Object.fromEntries(Object.entries(structured.data).reverse()) };
    expect(parseSigned(reordered, keys)).toEqual(signed);
  });

  it('orders keys but keeps array order', () => {
    expect(canonicalJson({ b: [2, 1], a: { d: null, c: 'é' }, e: undefined })).toBe('{"a":{"c":"é","d":null},"b":[2,1]}');
  });

  it.each([
    ['id', { id: randomUUID() }],
    ['type', { type: eventType('projects', 'project.updated') }],
    ['subject', { subject: 'wishes/2' }],
    ['time', { time: '2026-05-01T10:00:01.000Z' }],
    ['neighbourhood', { neighbourhoodid: randomUUID() }],
    ['sequence', { neighbourhoodseq: 8 }],
    ['data', { data: { ...event.data, projectId: randomUUID() } }],
    ['source', { source: eventSource('ledger') }],
  ])('refuses the event with its %s changed', (_what, change) => {
    expect(() => parseSigned({ ...delivered(signEvent(event, projects)), ...change }, keys)).toThrow(EventSignatureRefused);
  });

  it("refuses another subgraph's signature, no signature, a malformed one, and a source without a key", () => {
    expect(() => parseSigned(delivered(signEvent(event, ledger)), keys)).toThrow(/not signed by \/dbwe\/projects/);
    expect(() => parseSigned(delivered(event), keys)).toThrow(/is not signed/);
    expect(() => parseSigned({ ...delivered(event), dbwesig: 'AAAA' }, keys)).toThrow(EventSignatureRefused);
    const fromImpact = signEvent({ ...event, source: eventSource('impact') }, projects);
    expect(() => parseSigned(delivered(fromImpact), keys)).toThrow(/whose public key this subgraph does not have/);
  });
});
