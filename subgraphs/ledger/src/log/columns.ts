import type { ValueTransformer } from 'typeorm';

/**
 * Leaf indexes and tree sizes are bigint in the database and numbers in
 * TypeScript: a neighbourhood's log stays far below 2^53 leaves, and proofs
 * do arithmetic on them.
 */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
