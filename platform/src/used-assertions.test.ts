import { UsedAssertions } from './identity';

/*
 * A subgraph takes each assertion id once, for as long as the assertion could still be accepted
 * (UsedAssertions.WINDOW_MS: its 30 s and the clock slack on both ends), whenever in a generation
 * it arrived; afterwards the id is forgotten, so memory stays at two windows of requests.
 */
describe('UsedAssertions', () => {
  const window = UsedAssertions.WINDOW_MS;

  it('refuses an id offered again at any time within the window after its first use', () => {
    for (const firstAt of [0, 1, window / 2, window - 1]) {
      let now = 0;
      const used = new UsedAssertions(() => now);
      now = firstAt;
      expect(used.firstUse('a')).toBe(true);
      for (const later of [0, 1, window / 2, window - 1]) {
        now = firstAt + later;
        expect({ firstAt, later, again: used.firstUse('a') }).toEqual({ firstAt, later, again: false });
      }
    }
  });

  it('takes other ids, and forgets an id two windows on', () => {
    let now = 0;
    const used = new UsedAssertions(() => now);
    expect(used.firstUse('a')).toBe(true);
    expect(used.firstUse('b')).toBe(true);
    now = 2 * window;
    expect(used.firstUse('a')).toBe(true);
    now = 10 * window;
    expect(used.firstUse('b')).toBe(true);
  });
});
