import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Neighbourhood budgets (the municipal subsidy's "begroting"): per
 * neighbourhood and calendar year one budget, whose amounts are its
 * revisions. A revision is the whole budget as it then stood: lines per
 * account or per Iv3 taakveld, in columns of equal length (position i of each
 * array is line i), so the revision is one row and its leaf in the log is
 * appended by one trigger that sees every line. The current budget is the
 * latest revision; none is ever changed.
 *
 * Each revision is a leaf of the neighbourhood's transparency log
 * (`dbwe-neighbourhood-budget-v1`, docs/ledger-hash.md), appended as the
 * owner in the inserting transaction, like project budget revisions.
 */
export class NeighbourhoodBudgets1770600000000 implements MigrationInterface {
  name = 'NeighbourhoodBudgets1770600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ledger.log_leaf DROP CONSTRAINT log_leaf_kind`);
    await q.query(`
      ALTER TABLE ledger.log_leaf ADD CONSTRAINT log_leaf_kind
        CHECK (kind IN ('ENTRY', 'ACCOUNT', 'BUDGET_REVISION', 'ACCOUNT_CHANGE', 'NEIGHBOURHOOD_BUDGET_REVISION'))`);

    await q.query(`
      CREATE TABLE ledger.neighbourhood_budget (
        id uuid PRIMARY KEY,
        neighbourhood_id uuid NOT NULL REFERENCES ledger.chain (neighbourhood_id),
        year integer NOT NULL CONSTRAINT neighbourhood_budget_year CHECK (year BETWEEN 1900 AND 9999),
        created_at timestamptz NOT NULL,
        CONSTRAINT neighbourhood_budget_one_per_year UNIQUE (neighbourhood_id, year)
      )`);
    await q.query(`
      CREATE TABLE ledger.neighbourhood_budget_revision (
        budget_id uuid NOT NULL REFERENCES ledger.neighbourhood_budget (id),
        revision integer NOT NULL CHECK (revision >= 1),
        account_ids uuid[] NOT NULL,
        taakvelden text[] NOT NULL,
        types text[] NOT NULL,
        units text[] NOT NULL,
        amounts_minor bigint[] NOT NULL,
        reason text NOT NULL CONSTRAINT neighbourhood_budget_reason_length CHECK (length(reason) BETWEEN 1 AND 500),
        idempotency_key text NOT NULL CONSTRAINT neighbourhood_budget_key_length CHECK (length(idempotency_key) BETWEEN 1 AND 200),
        recorded_by uuid,
        recorded_at timestamptz NOT NULL,
        leaf_index bigint,
        CONSTRAINT neighbourhood_budget_revision_pkey PRIMARY KEY (budget_id, revision),
        CONSTRAINT neighbourhood_budget_key_unique UNIQUE (budget_id, idempotency_key),
        CONSTRAINT neighbourhood_budget_lines_shape CHECK (
          cardinality(account_ids) BETWEEN 1 AND 500 AND array_ndims(account_ids) = 1
          AND cardinality(taakvelden) = cardinality(account_ids) AND cardinality(types) = cardinality(account_ids)
          AND cardinality(units) = cardinality(account_ids) AND cardinality(amounts_minor) = cardinality(account_ids)
          AND 0 <= ALL (amounts_minor) AND types <@ ARRAY['INCOME', 'EXPENSE']
          AND units <@ ARRAY['EUR', 'HOUR'])
      )`);

    await q.query(`
      CREATE FUNCTION ledger.neighbourhood_budget_leaf_data(b ledger.neighbourhood_budget, r ledger.neighbourhood_budget_revision)
        RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
        RETURN '["dbwe-neighbourhood-budget-v1",' || ledger.json_text(b.id::text) || ',' || r.revision || ',' || ledger.json_text(b.neighbourhood_id::text)
          || ',' || b.year || ',['
          || (SELECT string_agg('[' || ledger.json_text(x.account_id::text) || ',' || ledger.json_text(x.taakveld) || ',' || ledger.json_text(x.type)
                                || ',' || ledger.json_text(x.unit) || ',' || ledger.json_text(x.amount::text) || ']', ',' ORDER BY x.i)
                FROM unnest(r.account_ids, r.taakvelden, r.types, r.units, r.amounts_minor) WITH ORDINALITY AS x (account_id, taakveld, type, unit, amount, i))
          || '],' || ledger.json_text(r.reason) || ',' || ledger.json_time(r.recorded_at) || ',' || ledger.json_text(r.recorded_by::text) || ']'`);

    /*
     * The rules of a revision the service checks first (and names), held here
     * too: numbered without gaps; each line either an account of these books
     * (an income or expense account, in its unit and type) or a taakveld of
     * the Iv3 form, never both; no account or (taakveld, type, unit) twice.
     */
    await q.query(`
      CREATE FUNCTION ledger.log_neighbourhood_budget_revision() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = ledger, pg_temp AS $$
      DECLARE
        b ledger.neighbourhood_budget;
        bad integer;
      BEGIN
        SELECT * INTO b FROM ledger.neighbourhood_budget WHERE id = NEW.budget_id;
        IF NEW.revision <> (SELECT coalesce(max(revision), 0) + 1 FROM ledger.neighbourhood_budget_revision WHERE budget_id = NEW.budget_id) THEN
          RAISE EXCEPTION 'neighbourhood budget revisions are numbered 1, 2, 3, … without gaps'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'neighbourhood_budget_revision_next';
        END IF;
        SELECT x.i INTO bad
          FROM unnest(NEW.account_ids, NEW.taakvelden, NEW.types, NEW.units) WITH ORDINALITY AS x (account_id, taakveld, type, unit, i)
          LEFT JOIN ledger.account a ON a.id = x.account_id
         WHERE (x.account_id IS NULL) = (x.taakveld IS NULL)
            OR (x.taakveld IS NOT NULL AND x.taakveld !~ '^[0-9]\\.[0-9]{1,2}(\\.[0-9])?$')
            OR (x.account_id IS NOT NULL AND (a.id IS NULL OR a.neighbourhood_id <> b.neighbourhood_id OR a.unit <> x.unit OR a.type <> x.type))
         ORDER BY x.i LIMIT 1;
        IF bad IS NOT NULL THEN
          RAISE EXCEPTION 'line % of the budget names neither an income or expense account of these books in its unit nor a taakveld', bad - 1
            USING ERRCODE = 'check_violation', CONSTRAINT = 'neighbourhood_budget_line_target';
        END IF;
        IF (SELECT count(*) <> count(DISTINCT (coalesce(x.account_id::text, x.taakveld || '/' || x.type || '/' || x.unit)))
              FROM unnest(NEW.account_ids, NEW.taakvelden, NEW.types, NEW.units) AS x (account_id, taakveld, type, unit)) THEN
          RAISE EXCEPTION 'a budget names each account, and each taakveld per type and unit, at most once'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'neighbourhood_budget_line_unique';
        END IF;
        NEW.recorded_at := date_trunc('milliseconds', NEW.recorded_at);
        NEW.leaf_index := ledger.log_append(b.neighbourhood_id, 'NEIGHBOURHOOD_BUDGET_REVISION', b.id, NEW.revision, ledger.neighbourhood_budget_leaf_data(b, NEW));
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER neighbourhood_budget_revision_log BEFORE INSERT ON ledger.neighbourhood_budget_revision
        FOR EACH ROW EXECUTE FUNCTION ledger.log_neighbourhood_budget_revision()`);
    await q.query(`ALTER TABLE ledger.neighbourhood_budget_revision ADD CONSTRAINT neighbourhood_budget_revision_logged CHECK (leaf_index IS NOT NULL)`);
    for (const table of ['neighbourhood_budget', 'neighbourhood_budget_revision']) {
      await q.query(`CREATE TRIGGER ${table}_immutable BEFORE UPDATE OR DELETE ON ledger.${table} FOR EACH ROW EXECUTE FUNCTION ledger.refuse_change()`);
      await q.query(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ledger.${table} FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_change()`);
    }
    // Revisions of one budget are numbered one after the other: the second writer waits on the budget's row.
    await q.query(`
      CREATE FUNCTION ledger.lock_neighbourhood_budget(budget uuid) RETURNS void
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = ledger, pg_temp AS $$
      BEGIN
        PERFORM FROM ledger.neighbourhood_budget WHERE id = lock_neighbourhood_budget.budget FOR UPDATE;
      END $$`);
  }

  async down(): Promise<void> {
    throw new Error('NeighbourhoodBudgets1770600000000 is one-way: budget revisions are leaves of the books’ log.');
  }
}
