import { RateLimiter } from './rate-limit';

describe('RateLimiter', () => {
  it('allows the limit within a window and refuses the next, per key', () => {
    const limiter = new RateLimiter(3, 60_000);
    const t = 1_000_000 * 60_000;
    expect([1, 2, 3].map(() => limiter.takeAt('a', t).allowed)).toEqual([true, true, true]);
    const refused = limiter.takeAt('a', t + 10);
    expect(refused).toMatchObject({ allowed: false, remaining: 0, limit: 3, resetSeconds: 60 });
    expect(limiter.takeAt('b', t + 10).allowed).toBe(true);
  });

  it('counts the previous window in proportion, so a burst at a window edge is not doubled', () => {
    const limiter = new RateLimiter(10, 60_000);
    const t = 1_000_000 * 60_000;
    for (let i = 0; i < 10; i++) limiter.takeAt('a', t + 59_000);
    // One second into the next window, 59/60 of the previous ten still count.
    expect(limiter.takeAt('a', t + 61_000).allowed).toBe(false);
    // Half-way through, five of them count: five more are allowed.
    const allowed = Array.from({ length: 10 }, () => limiter.takeAt('a', t + 90_000).allowed).filter(Boolean).length;
    expect(allowed).toBe(5);
  });
});
