import { pollResultsHidden, publishedCount } from './small-groups';

const five = { minGroupSize: 5 };

describe('privacy of small groups', () => {
  const closed = { closedAt: new Date('2026-01-01T00:00:00Z') };
  const open = { closedAt: null };

  it('hides a poll’s totals while it is open, however many took part', () => {
    for (const participants of [0, 1, 4, 5, 500]) expect(pollResultsHidden(open, participants, five)).toBe('POLL_OPEN');
  });

  it('hides a closed poll’s totals below the minimum number of participants, and shows them from it on', () => {
    expect([0, 1, 4].map((n) => pollResultsHidden(closed, n, five))).toEqual(['TOO_FEW_PARTICIPANTS', 'TOO_FEW_PARTICIPANTS', 'TOO_FEW_PARTICIPANTS']);
    expect([5, 6, 500].map((n) => pollResultsHidden(closed, n, five))).toEqual([null, null, null]);
    expect(pollResultsHidden(closed, 1, { minGroupSize: 1 })).toBeNull();
  });

  it('publishes a count of people only from the minimum group size on, zero included in what is hidden', () => {
    expect([0, 1, 4, 5, 12].map((n) => publishedCount(n, five))).toEqual([null, null, null, 5, 12]);
    expect(publishedCount(3, { minGroupSize: 3 })).toBe(3);
  });
});
