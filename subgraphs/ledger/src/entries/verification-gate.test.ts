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

describe('chain verification gate', () => {
  it('lets callers asking about the same neighbourhood at once share one walk', async () => {
    const gate = new VerificationGate<string>(2);
    const walk = controlledWalk();
    const answers = Promise.all([gate.run('a', walk.walk), gate.run('a', walk.walk), gate.run('a', walk.walk)]);
    walk.finish('valid');
    expect(await answers).toEqual(['valid', 'valid', 'valid']);
    expect(walk.starts()).toBe(1);
    // Once it is done, the next caller gets a fresh walk, not a remembered answer.
    const again = gate.run('a', walk.walk);
    walk.finish('valid again');
    expect(await again).toBe('valid again');
    expect(walk.starts()).toBe(2);
  });

  it('refuses a walk beyond the limit with RATE_LIMITED, and takes one again when a walk ends', async () => {
    const gate = new VerificationGate<string>(2);
    const a = controlledWalk();
    const b = controlledWalk();
    const c = controlledWalk();
    const first = gate.run('a', a.walk);
    const second = gate.run('b', b.walk);
    await expect(gate.run('c', c.walk)).rejects.toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
    expect(c.starts()).toBe(0);
    a.finish('a ok');
    await first;
    const third = gate.run('c', c.walk);
    c.finish('c ok');
    b.finish('b ok');
    expect([await second, await third]).toEqual(['b ok', 'c ok']);
    expect(gate.size).toBe(0);
  });

  it('frees its place when a walk fails', async () => {
    const gate = new VerificationGate<string>(1);
    await expect(gate.run('a', () => Promise.reject(new Error('database gone')))).rejects.toThrow('database gone');
    expect(gate.size).toBe(0);
    await expect(gate.run('b', async () => 'ok')).resolves.toBe('ok');
  });
});
