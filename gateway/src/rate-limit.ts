/**
 * A sliding-window rate limiter per client key (member id, else client
 * address), in memory: one gateway process per deployment here. Answers in
 * the IETF RateLimit header style.
 */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window has room again. */
  resetSeconds: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; previous: number; current: number }>();
  private lastSweep = Date.now();

  constructor(
    readonly limitPerWindow: number,
    readonly windowMs = 60_000,
  ) {}

  take(key: string, now = Date.now()): RateLimitDecision {
    this.sweep(now);
    let w = this.windows.get(key);
    const windowStart = now - (now % this.windowMs);
    if (!w) {
      w = { start: windowStart, previous: 0, current: 0 };
      this.windows.set(key, w);
    } else if (w.start !== windowStart) {
      w.previous = windowStart - w.start === this.windowMs ? w.current : 0;
      w.current = 0;
      w.start = windowStart;
    }
    // Weighted sum of the previous and current fixed windows approximates a true sliding window.
    const elapsed = (now - windowStart) / this.windowMs;
    const used = w.previous * (1 - elapsed) + w.current;
    const resetSeconds = Math.max(1, Math.ceil((this.windowMs - (now - windowStart)) / 1000));
    if (used + 1 > this.limitPerWindow) {
      return { allowed: false, limit: this.limitPerWindow, remaining: 0, resetSeconds };
    }
    w.current++;
    return { allowed: true, limit: this.limitPerWindow, remaining: Math.max(0, Math.floor(this.limitPerWindow - used - 1)), resetSeconds };
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    for (const [key, w] of this.windows) if (now - w.start > 2 * this.windowMs) this.windows.delete(key);
  }
}
