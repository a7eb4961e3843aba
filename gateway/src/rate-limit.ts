import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * Rate limiting per client key (member id, else client address), answered in the IETF
 * RateLimit header style. Two kinds: `RateLimiter`, a sliding window in this process's memory (the
 * embedded default: one gateway), and `SharedRateLimiter`, a fixed window in Redis that every
 * gateway replica counts in (REDIS_URL), so two gateways behind a load balancer allow one
 * client what one gateway would.
 */
export interface ClientRateLimit {
  take(key: string): Promise<RateLimitDecision>;
}

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window has room again. */
  resetSeconds: number;
}

export class RateLimiter implements ClientRateLimit {
  private readonly windows = new Map<string, { start: number; previous: number; current: number }>();
  private lastSweep = Date.now();

  constructor(
    readonly limitPerWindow: number,
    readonly windowMs = 60_000,
  ) {}

  async take(key: string): Promise<RateLimitDecision> {
    return this.takeAt(key, Date.now());
  }

  takeAt(key: string, now: number): RateLimitDecision {
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

/**
 * The limit in Redis, shared by every gateway that points at the same server (rate-limiter-flexible's
 * RateLimiterRedis: one atomic increment with its expiry per request). When Redis cannot be reached,
 * each gateway falls back to counting in its own memory (the library's insurance limiter) rather
 * than refusing or waving everyone through; it counts in Redis again once Redis answers.
 */
export class SharedRateLimiter implements ClientRateLimit {
  private readonly limiter: RateLimiterRedis;

  constructor(
    redis: Redis,
    readonly limitPerWindow: number,
    windowSeconds = 60,
  ) {
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: 'dbwe:rate-limit',
      points: limitPerWindow,
      duration: windowSeconds,
      insuranceLimiter: new RateLimiterMemory({ points: limitPerWindow, duration: windowSeconds }),
    });
  }

  async take(key: string): Promise<RateLimitDecision> {
    try {
      const taken = await this.limiter.consume(key);
      return { allowed: true, limit: this.limitPerWindow, remaining: taken.remainingPoints, resetSeconds: Math.max(1, Math.ceil(taken.msBeforeNext / 1000)) };
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      return { allowed: false, limit: this.limitPerWindow, remaining: 0, resetSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)) };
    }
  }
}
