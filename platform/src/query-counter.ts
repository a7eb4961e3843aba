import type { Logger as OrmLogger } from 'typeorm';

/**
 * Counts the SQL statements a data source sends. The benchmark and the
 * N+1 tests read it before and after an operation.
 */
export class QueryCounter implements OrmLogger {
  count = 0;

  logQuery(): void {
    this.count++;
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}
