import { VerificationGate } from './verification-gate';

/** A walk that finishes when the test says so, counting how often it was started. */
function controlledWalk() {
  let finish!: (value: string) => void;
  let starts = 0;
  const walk = () => {
    starts++;
    return new Promise<string>((resolve) => (finish = resolve));
  };
  return { walk, finish: (value: string) => finish(value), starts: () => starts };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
const gate = (limit: number, maxWaiting: number, maxWaitMs = 60_000) => new VerificationGate<string>({ limit, maxWaiting, maxWaitMs });

describe('chain verification gate', () => {
  it('lets callers asking about the same neighbourhood at once share one walk', async () => {
    const g = gate(2, 8);
    const walk = controlledWalk();
    const answers = Promise.all([g.run('a', walk.walk), g.run('a', walk.walk), g.run('a', walk.walk)]);
    await settle();
    walk.finish('valid');
    expect(await answers).toEqual(['valid', 'valid', 'valid']);
    expect(walk.starts()).toBe(1);
    // Once it is done, the next caller gets a fresh walk, not a remembered answer.
    const again = g.run('a', walk.walk);
    await settle();
    walk.finish('valid again');
    expect(await again).toBe('valid again');
    expect(walk.starts()).toBe(2);
  });

  it('walks at most `limit` chains at once; the others wait their turn, in order', async () => {
    const g = gate(2, 8);
    const [a, b, c] = [controlledWalk(), controlledWalk(), controlledWalk()];
    const answers = [g.run('a', a.walk), g.run('b', b.walk), g.run('c', c.walk)];
    await settle();
    expect([a.starts(), b.starts(), c.starts()]).toEqual([1, 1, 0]);
    b.finish('b ok');
    await settle();
    expect(c.starts()).toBe(1);
    a.finish('a ok');
    c.finish('c ok');
    expect(await Promise.all(answers)).toEqual(['a ok', 'b ok', 'c ok']);
    expect(g.size).toBe(0);
  });

  it('refuses with RATE_LIMITED when too many are already waiting', async () => {
    const g = gate(1, 1);
    const [a, b, c] = [controlledWalk(), controlledWalk(), controlledWalk()];
    const first = g.run('a', a.walk);
    const second = g.run('b', b.walk);
    await expect(g.run('c', c.walk)).rejects.toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
    expect(c.starts()).toBe(0);
    await settle();
    a.finish('a ok');
    await first;
    await settle();
    b.finish('b ok');
    expect(await second).toBe('b ok');
  });

  it('gives up on a walk that waited too long, which then never starts, and keeps the queue moving', async () => {
    const g = gate(1, 4, 50);
    const [a, b, c] = [controlledWalk(), controlledWalk(), controlledWalk()];
    const first = g.run('a', a.walk);
    await expect(g.run('b', b.walk)).rejects.toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
    const third = g.run('c', c.walk);
    a.finish('a ok');
    await first;
    await settle();
    c.finish('c ok');
    expect(await third).toBe('c ok');
    expect(b.starts()).toBe(0);
    expect(g.size).toBe(0);
  });

  it('frees its place when a walk fails', async () => {
    const g = gate(1, 0);
    await expect(g.run('a', () => Promise.reject(new Error('database gone')))).rejects.toThrow('database gone');
    expect(g.size).toBe(0);
    await expect(g.run('b', async () => 'ok')).resolves.toBe('ok');
  });
});
