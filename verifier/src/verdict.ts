/** The two ways a check ends early: the books are wrong (exit 1), or they could not be checked (exit 2). */

/** Something in the books does not hold: what, where (entry, account or leaf), and the detail. */
export class Invalid extends Error {
  override name = 'Invalid';
  constructor(
    readonly what: string,
    readonly where: string,
    readonly detail: string,
  ) {
    super(`${what}: ${where}: ${detail}`);
  }
}

/** The check could not be done: the graph is unreachable, refused a query, or served something unreadable. */
export class CannotCheck extends Error {
  override name = 'CannotCheck';
}
