import { GENESIS_HASH, canonicalEntry, checkChainLink, entryHash, type HashableEntry } from './entry-hash';

/** The worked example of docs/ledger-hash.md: the document and the code must agree to the byte. */
const example: HashableEntry = {
  id: '7b1c9a52-3f0e-4d8a-9c61-2b5e8f4a7d10',
  neighbourhoodId: '2f8f3c1e-6a4b-5d7e-8f90-a1b2c3d4e5f6',
  sequence: 1,
  bookingDate: '2025-02-20',
  recordedAt: '2025-02-20T16:00:00.000Z',
  description: 'Inkoop kookgerei "buurtkeuken" bij Bakkerij De Spijker — €486,50',
  projectId: 'c0ffee00-1234-5abc-8def-0123456789ab',
  memberId: null,
  evidenceUrl: 'https://example.nl/bonnen/2025-0007.pdf',
  recordedBy: '9a8b7c6d-5e4f-5a3b-9c2d-1e0f9a8b7c6d',
  reversesId: null,
  lines: [
    {
      accountId: '11111111-2222-5333-8444-555555555555',
      unit: 'EUR',
      minorUnits: '48650',
      counterpartyMemberId: '66666666-7777-5888-9999-aaaaaaaaaaaa',
      counterpartyDomain: 'ENTREPRENEUR',
      counterpartyName: null,
    },
    { accountId: 'bbbbbbbb-cccc-5ddd-8eee-ffffffffffff', unit: 'EUR', minorUnits: '-48650', counterpartyMemberId: null, counterpartyDomain: null, counterpartyName: null },
  ],
};

describe('the hash chain format dbwe-entry-v1', () => {
  it('matches the worked example in docs/ledger-hash.md', () => {
    expect(canonicalEntry(example)).toBe(
      '["dbwe-entry-v1","7b1c9a52-3f0e-4d8a-9c61-2b5e8f4a7d10","2f8f3c1e-6a4b-5d7e-8f90-a1b2c3d4e5f6",1,"2025-02-20","2025-02-20T16:00:00.000Z",' +
        '"Inkoop kookgerei \\"buurtkeuken\\" bij Bakkerij De Spijker — €486,50","c0ffee00-1234-5abc-8def-0123456789ab",null,' +
        '"https://example.nl/bonnen/2025-0007.pdf","9a8b7c6d-5e4f-5a3b-9c2d-1e0f9a8b7c6d",null,' +
        '[["11111111-2222-5333-8444-555555555555","EUR","48650","66666666-7777-5888-9999-aaaaaaaaaaaa","ENTREPRENEUR",null],' +
        '["bbbbbbbb-cccc-5ddd-8eee-ffffffffffff","EUR","-48650",null,null,null]]]',
    );
    expect(entryHash(GENESIS_HASH, example)).toBe('ba33152f7d3ee756277795d13efbd5427389732166e60762b7603708d1b82f72');
  });

  it('escapes control characters as documented and leaves everything else as it is', () => {
    const text = canonicalEntry({ ...example, description: 'a\u0001b\u001fc\nd/e\u2028f' });
    expect(text).toContain('"a\\u0001b\\u001fc\\nd/e\u2028f"');
  });

  it('changes the hash when any covered fact changes', () => {
    const base = entryHash(GENESIS_HASH, example);
    const variants: HashableEntry[] = [
      { ...example, description: `${example.description} ` },
      { ...example, recordedAt: '2025-02-20T16:00:00.001Z' },
      { ...example, recordedBy: null },
      { ...example, lines: [{ ...example.lines[0], minorUnits: '48651' }, example.lines[1]] },
      { ...example, lines: [{ ...example.lines[0], counterpartyDomain: 'CITIZEN' }, example.lines[1]] },
      { ...example, lines: [example.lines[1], example.lines[0]] },
    ];
    for (const variant of variants) expect(entryHash(GENESIS_HASH, variant)).not.toBe(base);
    expect(entryHash('1'.repeat(64), example)).not.toBe(base);
  });

  it('walks a chain and names the first entry that breaks it', () => {
    const first = { ...example, previousHash: GENESIS_HASH, hash: entryHash(GENESIS_HASH, example) };
    const secondContent = { ...example, id: '8b1c9a52-3f0e-4d8a-9c61-2b5e8f4a7d10', sequence: 2 };
    const second = { ...secondContent, previousHash: first.hash, hash: entryHash(first.hash, secondContent) };

    const walk = (entries: (typeof first)[]) => {
      const state = { expectedSequence: 1, previousHash: GENESIS_HASH };
      for (const entry of entries) {
        const problem = checkChainLink(state, entry);
        if (problem) return problem;
      }
      return null;
    };
    expect(walk([first, second])).toBeNull();
    expect(walk([first, { ...second, description: 'changed' }])).toMatchObject({ sequence: 2, problem: expect.stringMatching(/does not match its hash/) });
    expect(walk([second])).toMatchObject({ sequence: 1, problem: 'expected sequence 1, found 2' });
    expect(walk([first, { ...second, previousHash: GENESIS_HASH }])).toMatchObject({ sequence: 2, problem: expect.stringMatching(/previousHash/) });
  });
});
