import { actingRole, auditOf, auditReason, AUDIT_REASON_MAX, readAuditFact } from './audit';
import { isPublicEvent } from './catalogue';

const NB = '6f1c2a52-93b4-4d7e-8a36-0b1f6c7e5d21';
const ACTOR = '0d5e8a0e-2c44-4f5b-9b5e-6a8f9c1d2e3f';

describe('audit facts', () => {
  it('reads a well-formed fact, and tells no fact from a malformed one', () => {
    expect(readAuditFact({ pollId: NB })).toBeNull();
    expect(readAuditFact({ audit: { actorId: ACTOR.toUpperCase(), role: 'steward', reason: 'Opened the poll', public: true } })).toEqual({
      actorId: ACTOR,
      role: 'steward',
      reason: 'Opened the poll',
      public: true,
    });
    expect(readAuditFact({ audit: { actorId: null, role: 'admin', reason: null, public: false } })).toEqual({ actorId: null, role: 'admin', reason: null, public: false });
    for (const audit of [
      'steward',
      null,
      ['steward'],
      { actorId: 'pieter', role: 'steward', reason: null, public: true },
      { actorId: ACTOR, role: '', reason: null, public: true },
      { actorId: ACTOR, role: 'Steward; DROP', reason: null, public: true },
      { actorId: ACTOR, role: 'steward', reason: 'x'.repeat(AUDIT_REASON_MAX + 1), public: true },
      { actorId: ACTOR, role: 'steward', reason: 3, public: true },
      { actorId: ACTOR, role: 'steward', public: true },
      { actorId: ACTOR, role: 'steward', reason: null, public: 'yes' },
    ]) {
      expect(readAuditFact({ audit } as never)).toBe('malformed');
    }
  });

  it('cuts long reasons to the limit, by characters, and drops empty ones', () => {
    expect(auditReason('  Besluit van het bestuur ')).toBe('Besluit van het bestuur');
    expect(auditReason('   ')).toBeNull();
    expect(auditReason(null)).toBeNull();
    const cut = auditReason('é'.repeat(AUDIT_REASON_MAX + 20))!;
    expect([...cut]).toHaveLength(AUDIT_REASON_MAX);
    expect(cut.endsWith('…')).toBe(true);
    expect(readAuditFact({ audit: { actorId: null, role: 'admin', reason: cut, public: true } })).not.toBe('malformed');
  });

  it('names the role the viewer acted in: the granted one, else admin', () => {
    expect(actingRole({ memberId: ACTOR, roles: [{ role: 'steward', neighbourhood: NB.toUpperCase() }] }, ['steward'], NB)).toBe('steward');
    expect(actingRole({ memberId: ACTOR, roles: [{ role: 'admin', neighbourhood: NB }] }, ['steward'], NB)).toBe('admin');
    expect(actingRole({ memberId: ACTOR, roles: [{ role: 'steward', neighbourhood: '*' }, { role: 'admin', neighbourhood: NB }] }, ['steward'], NB)).toBe('steward');
    expect(auditOf({ memberId: ACTOR, roles: [{ role: 'steward', neighbourhood: NB }] }, ['steward'], NB, ' Opened the poll ')).toEqual({
      actorId: ACTOR,
      role: 'steward',
      reason: 'Opened the poll',
      public: true,
    });
  });

  it('keeps an action its fact marks not public out of the public events', () => {
    const type = 'nl.dbwe.ledger.bank-line.ignored';
    expect(isPublicEvent({ type, data: { lineId: NB, audit: { actorId: ACTOR, role: 'steward', reason: 'Privé', public: false } } })).toBe(false);
    expect(isPublicEvent({ type, data: { lineId: NB, audit: { actorId: ACTOR, role: 'steward', reason: null, public: true } } })).toBe(true);
  });
});
