import { dec, type Dec } from '../analyses/numbers';
import type { ProjectWithFinances } from '../references';

/** A project's expenses on one booking date, in minor units: cents and hundredths of an hour. */
export interface BookingDay {
  bookingDate: string;
  spentMinor: bigint;
  hoursMinor: bigint;
}

/** The project's expenses per booking date, as the gateway handed them over (@requires) or the ledger answered. */
export function bookingDaysOf(project: ProjectWithFinances): BookingDay[] {
  const columns = project.finances?.expensesByBookingDate;
  if (columns == null) throw new Error(`the books of project ${project.id} were not provided`);
  const { bookingDates, spentMinorUnits, volunteerHoursMinorUnits } = columns;
  if (spentMinorUnits.length !== bookingDates.length || volunteerHoursMinorUnits.length !== bookingDates.length) {
    throw new Error(`the books of project ${project.id} came with columns of different lengths`);
  }
  return bookingDates.map((bookingDate, i) => ({ bookingDate, spentMinor: BigInt(spentMinorUnits[i]), hoursMinor: BigInt(volunteerHoursMinorUnits[i]) }));
}

export interface PeriodFigures {
  /** Euros spent with booking dates from start to end, both included. */
  spent: Dec;
  /** Euros spent with booking dates before the start or after the end. */
  spentOutside: Dec;
  /** Hours booked from start to end. */
  hours: Dec;
}

/** What the books say about a period: booking dates are ISO dates, so they compare as strings. */
export function withinPeriod(days: readonly BookingDay[], start: string, end: string): PeriodFigures {
  let inside = 0n;
  let outside = 0n;
  let hours = 0n;
  for (const day of days) {
    if (day.bookingDate >= start && day.bookingDate <= end) {
      inside += day.spentMinor;
      hours += day.hoursMinor;
    } else {
      outside += day.spentMinor;
    }
  }
  const hundredths = (minor: bigint) => dec(minor.toString()).dividedBy(100);
  return { spent: hundredths(inside), spentOutside: hundredths(outside), hours: hundredths(hours) };
}
