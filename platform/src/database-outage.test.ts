import { databaseUnavailable } from './database-outage';

describe('databaseUnavailable', () => {
  it('recognises a database that is down or going away, however the driver and TypeORM wrap it', () => {
    expect(databaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(databaseUnavailable({ driverError: { code: '57P01', message: 'terminating connection due to administrator command' } })).toBe(true);
    expect(databaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(databaseUnavailable(Object.assign(new Error('Unexpected error value'), { thrownValue: { errno: -111, code: 'ECONNREFUSED' } }))).toBe(true);
    expect(databaseUnavailable(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]))).toBe(true);
  });

  it('leaves faults in queries alone: they stay internal errors', () => {
    expect(databaseUnavailable({ code: '42703', message: 'column "summary_gone" does not exist' })).toBe(false);
    expect(databaseUnavailable({ code: '23505', message: 'duplicate key value violates unique constraint' })).toBe(false);
    expect(databaseUnavailable(new TypeError('cannot read properties of undefined'))).toBe(false);
    expect(databaseUnavailable(null)).toBe(false);
  });
});
