import { privilegeStatements } from './database-privileges';
import { actingAs, passwordVariable, withCredentials } from './database-roles';

describe('privilegeStatements', () => {
  const declaration = {
    tables: { entry: ['SELECT', 'INSERT'] as const, member: ['SELECT', { UPDATE: ['email', 'updated_at'] }] as const, later: ['SELECT'] as const, migrations: [] },
    functions: ['lock_chain(uuid)'],
  };

  it('revokes everything from the runtime role and PUBLIC, then grants exactly the declaration', () => {
    expect(privilegeStatements('ledger', declaration, ['entry', 'member', 'migrations'], ['lock_chain(uuid)'])).toEqual([
      'REVOKE ALL ON ALL TABLES IN SCHEMA ledger FROM PUBLIC, dbwe_ledger',
      'REVOKE ALL ON ALL SEQUENCES IN SCHEMA ledger FROM PUBLIC, dbwe_ledger',
      'REVOKE ALL ON ALL ROUTINES IN SCHEMA ledger FROM PUBLIC, dbwe_ledger',
      'REVOKE ALL ON SCHEMA ledger FROM PUBLIC, dbwe_ledger',
      'GRANT USAGE ON SCHEMA ledger TO dbwe_ledger',
      'GRANT SELECT, INSERT ON ledger.entry TO dbwe_ledger',
      'GRANT SELECT ON ledger.member TO dbwe_ledger',
      'GRANT UPDATE (email, updated_at) ON ledger.member TO dbwe_ledger',
      'GRANT EXECUTE ON FUNCTION ledger.lock_chain(uuid) TO dbwe_ledger',
    ]);
  });

  it('leaves out a declared table or function that no migration has created yet', () => {
    const statements = privilegeStatements('ledger', declaration, ['entry']);
    expect(statements.filter((s) => s.includes('later') || s.includes('lock_chain'))).toEqual([]);
  });

  it('refuses a name that is not a plain identifier, so no SQL is built from one', () => {
    expect(() => privilegeStatements('ledger', { tables: { 'entry; DROP TABLE x': ['SELECT'] } }, ['entry; DROP TABLE x'])).toThrow(/not a plain identifier/);
    expect(() => privilegeStatements('ledger', { tables: { member: [{ UPDATE: ['email"'] }] } }, ['member'])).toThrow(/not a plain identifier/);
    expect(() => privilegeStatements('ledger', { tables: {}, functions: ['lock_chain'] }, [], ['lock_chain'])).toThrow(/not a function signature/);
  });
});

describe('role URLs', () => {
  it('swap the credentials and keep the rest', () => {
    expect(withCredentials('postgres://postgres:secret@db:5432/dbwe?sslmode=require', 'dbwe_ledger', 'p@ss/word')).toBe(
      'postgres://dbwe_ledger:p%40ss%2Fword@db:5432/dbwe?sslmode=require',
    );
  });

  it('act as a role by setting it when the session starts', () => {
    expect(new URL(actingAs('postgres://postgres@db/dbwe', 'dbwe_ledger_owner')).searchParams.get('options')).toBe('-c role=dbwe_ledger_owner');
  });

  it('name the password variables after the URL settings', () => {
    expect([passwordVariable('ledger', 'runtime'), passwordVariable('ledger', 'owner')]).toEqual(['LEDGER_DATABASE_PASSWORD', 'LEDGER_MIGRATION_DATABASE_PASSWORD']);
  });
});
