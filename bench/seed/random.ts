import { createHash } from 'node:crypto';

/**
 * A small seeded generator (mulberry32): the same name gives the same
 * numbers on every machine, so the city is the same city everywhere.
 * Each part of the data draws from its own stream, named after what it
 * makes, so changing one part does not shift the numbers of another.
 */
export class Random {
  private state: number;

  constructor(name: string) {
    this.state = createHash('sha256').update(`dbwe-bench:${name}`).digest().readUInt32LE(0);
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** `count` distinct integers from [0, n), in the order drawn. */
  distinct(count: number, n: number): number[] {
    const chosen = new Set<number>();
    const wanted = Math.min(count, n);
    while (chosen.size < wanted) chosen.add(Math.floor(this.next() * n));
    return [...chosen];
  }
}
