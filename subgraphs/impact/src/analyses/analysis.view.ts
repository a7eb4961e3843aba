import type { AnalysisEntity } from './analysis.entity';

/**
 * An analysis as its resolvers receive it. When it was reached through its
 * project, the gateway has handed over the project's spending in the books
 * (in cents), which the result needs; reached any other way, it is absent.
 */
export type AnalysisView = AnalysisEntity & { ledgerSpentMinor?: bigint };
