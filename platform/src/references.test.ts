import { FactCache, referenceProblem } from './references';

describe('referenceProblem: neighbourhoods are tenants', () => {
  const here = 'b2f1c6a0-0000-4000-8000-000000000001';
  const elsewhere = 'b2f1c6a0-0000-4000-8000-000000000002';

  it('refuses an id nobody knows, an entity of another neighbourhood and an erased member, in that order', () => {
    expect(referenceProblem(null, here)).toBe('UNKNOWN');
    expect(referenceProblem({ neighbourhoodId: elsewhere, erased: true }, here)).toBe('IN_OTHER_NEIGHBOURHOOD');
    expect(referenceProblem({ neighbourhoodId: here, erased: true }, here)).toBe('ERASED');
  });

  it("accepts the neighbourhood's own, whatever the case of the ids", () => {
    expect(referenceProblem({ neighbourhoodId: here }, here)).toBeNull();
    expect(referenceProblem({ neighbourhoodId: here.toUpperCase(), erased: false }, here)).toBeNull();
  });
});

describe('FactCache', () => {
  let now = 0;
  const clock = () => now;

  it('keeps a fact for its time to live, then asks again', async () => {
    now = 0;
    const cache = new FactCache<string>(10, clock);
    let loads = 0;
    const load = async () => `fact ${++loads}`;
    expect(await cache.get('a', load, () => 5_000)).toBe('fact 1');
    now = 4_999;
    expect(await cache.get('a', load, () => 5_000)).toBe('fact 1');
    now = 5_000;
    expect(await cache.get('a', load, () => 5_000)).toBe('fact 2');
  });

  it('never keeps an unknown id, so one that appears a moment later is found', async () => {
    const cache = new FactCache<string>(10, clock);
    let known = false;
    const load = async () => (known ? 'registered' : null);
    expect(await cache.get('new member', load, () => Infinity)).toBeNull();
    known = true;
    expect(await cache.get('new member', load, () => Infinity)).toBe('registered');
  });

  it('shares one lookup among concurrent askers, and keeps no failure', async () => {
    const cache = new FactCache<string>(10, clock);
    let loads = 0;
    let fail = true;
    const load = async () => {
      loads++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (fail) throw new Error('graph unavailable');
      return 'fact';
    };
    const failed = await Promise.allSettled([cache.get('a', load, () => Infinity), cache.get('a', load, () => Infinity)]);
    expect(failed.map((f) => f.status)).toEqual(['rejected', 'rejected']);
    expect(loads).toBe(1);
    fail = false;
    expect(await cache.get('a', load, () => Infinity)).toBe('fact');
    expect(loads).toBe(2);
  });

  it('drops the least recently used fact beyond its size', async () => {
    const cache = new FactCache<string>(2, clock);
    const loads: string[] = [];
    const load = (key: string) => async () => {
      loads.push(key);
      return key;
    };
    for (const key of ['a', 'b', 'a', 'c', 'a', 'b']) await cache.get(key, load(key), () => Infinity);
    // 'a' was used before 'c' came in, so 'b' went; 'b' is looked up again.
    expect(loads).toEqual(['a', 'b', 'c', 'b']);
  });
});
