import type { AnalysisEntity } from './analysis.entity';
import type { BookingDay } from '../books/books';

/**
 * An analysis as its resolvers receive it. When it was reached through its
 * project, the gateway has handed over the project's expenses per booking
 * date, which the live result needs; reached any other way, they are absent.
 */
export type AnalysisView = AnalysisEntity & { books?: BookingDay[] };
