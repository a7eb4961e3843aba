import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Pool } from 'pg';
import { createLogger, eventSource, eventType, receiveEvent, type StoredEvent } from '@dbwe/platform';
import { runtimeUrlFor } from '@dbwe/platform/testing';
import { communityEvents } from '../events';
import { adminViewer, anonymous, SPIJKERKWARTIER, startCommunity, steward, type CommunityTest } from '../testing/community.fixtures';

/*
 * How community's consumers keep the audit trail, event by event, as the runtime role. Expected:
 * a ledger event with a well-formed, non-public audit fact becomes one record (a redelivery adds
 * none), shown to the neighbourhood's admin and to nobody else; an event whose audit fact is
 * malformed (a reason over 500 characters) is applied all the same, without a record, and logged;
 * an event without an audit fact leaves no record.
 */
let community: CommunityTest;
let pool: Pool;
const logged: Record<string, unknown>[] = [];
const logger = createLogger('test', 'warn', new Writable({ write: (chunk, _enc, done) => (logged.push(JSON.parse(String(chunk))), done()) }));
const fromLedger = communityEvents.consumes!.find((c) => c.source === 'ledger')!;
const ACTOR = '2f6a0d2e-6a3c-4b8e-9d41-5c7b8e9f0a12';

beforeAll(async () => {
  community = await startCommunity();
  pool = new Pool({ connectionString: runtimeUrlFor(community.adminUrl, 'community') });
});
afterAll(async () => {
  await pool?.end();
  await community?.teardown();
});

let sequence = 0;
function ledgerEvent(name: string, data: StoredEvent['data']): StoredEvent {
  sequence += 1;
  return {
    id: randomUUID(),
    source: eventSource('ledger'),
    type: eventType('ledger', name),
    subject: `bank-statement-lines/${randomUUID()}`,
    time: new Date(Date.UTC(2026, 11, 1, 9, sequence)).toISOString(),
    neighbourhoodId: SPIJKERKWARTIER,
    sequence,
    data,
  };
}

const TRAIL = `query { neighbourhood(slug: "spijkerkwartier") { auditTrail { totalCount edges { node { id action actorId actor { id } role reason public occurredAt } } } } }`;

describe('the audit trail as the consumers keep it', () => {
  it('keeps a well-formed fact once, skips a malformed one without failing its event, and shows private records to admins only', async () => {
    const hidden = ledgerEvent('bank-line.ignored', { lineId: randomUUID(), audit: { actorId: ACTOR, role: 'steward', reason: 'Privé-voorschot', public: false } });
    const malformed = ledgerEvent('bank-line.ignored', { lineId: randomUUID(), audit: { actorId: ACTOR, role: 'steward', reason: 'x'.repeat(501), public: true } });
    const plain = ledgerEvent('books.opened', { neighbourhoodId: SPIJKERKWARTIER, openedAt: new Date().toISOString() });

    expect(await receiveEvent(pool, 'community', fromLedger, hidden, logger)).toBe('applied');
    expect(await receiveEvent(pool, 'community', fromLedger, hidden, logger)).toBe('duplicate');
    expect(await receiveEvent(pool, 'community', fromLedger, malformed, logger)).toBe('applied');
    expect(await receiveEvent(pool, 'community', fromLedger, plain, logger)).toBe('applied');

    expect(await community.count('audit_record')).toBe(1);
    const applied = await community.admin.query(`SELECT event_id FROM community.event_inbox WHERE consumer = 'from-ledger' ORDER BY sequence`);
    expect(applied.map((r) => r.event_id)).toEqual([hidden.id, malformed.id, plain.id]);
    expect(logged).toEqual([expect.objectContaining({ eventId: malformed.id, msg: 'event applied without an audit record: its audit fact is malformed' })]);

    const asAdmin = await community.ok(TRAIL, {}, adminViewer());
    expect(asAdmin.neighbourhood.auditTrail).toEqual({
      totalCount: 1,
      edges: [
        {
          node: {
            id: hidden.id,
            action: 'nl.dbwe.ledger.bank-line.ignored',
            actorId: ACTOR,
            actor: null,
            role: 'STEWARD',
            reason: 'Privé-voorschot',
            public: false,
            occurredAt: hidden.time,
          },
        },
      ],
    });
    for (const viewer of [anonymous, steward]) {
      expect((await community.ok(TRAIL, {}, viewer)).neighbourhood.auditTrail).toEqual({ totalCount: 0, edges: [] });
    }
    // Not in the BI feed either: the fact said the action is not public.
    const feed = await community.admin.query(`SELECT event_id FROM community.event_feed WHERE event_id = $1`, [hidden.id]);
    expect(feed).toEqual([]);
  });

  it('refuses a cursor it did not hand out and a page over 100', async () => {
    const bad = await community.execute(`{ neighbourhood(slug: "spijkerkwartier") { auditTrail(after: "bm90LWEtY3Vyc29y") { totalCount } } }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const big = await community.execute(`{ neighbourhood(slug: "spijkerkwartier") { auditTrail(first: 101) { totalCount } } }`);
    expect(big.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
