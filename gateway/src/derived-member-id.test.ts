import { isUuid } from '@dbwe/platform';
import { derivedMemberId } from './identity';

describe('derivedMemberId: an identity provider subject as a member id', () => {
  const key = 'k'.repeat(40);
  it('is a version-8 UUID, the same for the same issuer and subject on every call', () => {
    const id = derivedMemberId(key, 'https://login.arnhem.nl', '999990019');
    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe('8');
    expect('89ab').toContain(id[19]);
    expect(derivedMemberId(key, 'https://login.arnhem.nl', '999990019')).toBe(id);
  });

  it('differs by issuer, by subject, by key, and for pairs that concatenate alike', () => {
    const ids = new Set([
      derivedMemberId(key, 'https://login.arnhem.nl', '999990019'),
      derivedMemberId(key, 'https://login.nijmegen.nl', '999990019'),
      derivedMemberId(key, 'https://login.arnhem.nl', '999990020'),
      derivedMemberId('j'.repeat(40), 'https://login.arnhem.nl', '999990019'),
      derivedMemberId(key, 'ab', 'c'),
      derivedMemberId(key, 'a', 'bc'),
    ]);
    expect(ids.size).toBe(6);
  });

  it('does not contain the subject', () => {
    expect(derivedMemberId(key, 'https://login.arnhem.nl', '123456782').replace(/-/g, '')).not.toContain('123456782');
  });
});
