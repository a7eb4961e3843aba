import { changedSinceLoader } from './loaders';

describe('changedSinceLoader', () => {
  const rows = [
    { parent: 'a', at: '2026-01-02T00:00:00.000Z' },
    { parent: 'b', at: '2026-01-03T00:00:00.000Z' },
    { parent: 'a', at: '2026-01-04T00:00:00.000Z' },
  ];

  it('fetches once per distinct time and answers each key with its own rows, in key order', async () => {
    const calls: [string[], string][] = [];
    const loader = changedSinceLoader(
      async (ids, since) => {
        calls.push([ids, since.toISOString()]);
        return rows.filter((r) => ids.includes(r.parent) && new Date(r.at) > since);
      },
      (row) => row.parent,
    );
    const [b, a, aLater, aAgain] = await Promise.all([
      loader.load({ id: 'b', since: '2026-01-01T00:00:00Z' }),
      loader.load({ id: 'a', since: '2026-01-01T00:00:00.000Z' }),
      loader.load({ id: 'a', since: '2026-01-03T00:00:00Z' }),
      // The DateTime scalar hands over a Date: the same time is the same key.
      loader.load({ id: 'a', since: new Date('2026-01-01T00:00:00Z') }),
    ]);
    expect(a.map((r) => r.at)).toEqual(['2026-01-02T00:00:00.000Z', '2026-01-04T00:00:00.000Z']);
    expect(aAgain).toBe(a);
    expect(b.map((r) => r.at)).toEqual(['2026-01-03T00:00:00.000Z']);
    expect(aLater.map((r) => r.at)).toEqual(['2026-01-04T00:00:00.000Z']);
    expect(calls).toEqual([
      [['b', 'a'], '2026-01-01T00:00:00.000Z'],
      [['a'], '2026-01-03T00:00:00.000Z'],
    ]);
  });

  it('gives a parent with no changed rows an empty list', async () => {
    const loader = changedSinceLoader(async () => [] as typeof rows, (row) => row.parent);
    expect(await loader.load({ id: 'c', since: '2026-01-01T00:00:00Z' })).toEqual([]);
  });
});
