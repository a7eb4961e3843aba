import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The books become a transparency log (docs/ledger-hash.md, version 2): per
 * neighbourhood an append-only Merkle tree (RFC 9162) over every entry, every
 * version of every account and every budget revision, kept by the database
 * itself. Whoever inserts an entry, an account or a budget revision (the
 * service, a seed, an operator at a psql prompt) appends its leaf in the same
 * transaction, because the triggers do it; only switching triggers off,
 * which the services' database roles cannot, gets a change past the log,
 * and then the signed checkpoints anyone may keep expose it.
 *
 * The tree keeps the hash of every full subtree (`log_node`, levels 1 and up;
 * leaf hashes are recomputed from `log_leaf.data`), so any proof reads
 * O(log² n) stored hashes. Appending needs no reads: the chain row carries the
 * tree's frontier, the roots of the full subtrees that make up the current
 * tree from the largest to the smallest, 32 bytes each.
 */
export class TransparencyLog1765000000000 implements MigrationInterface {
  name = 'TransparencyLog1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE ledger.chain
        ADD COLUMN log_origin text CONSTRAINT chain_log_origin_format CHECK (log_origin ~ '^[^[:space:]+]+$' AND length(log_origin) <= 300),
        ADD COLUMN tree_size bigint NOT NULL DEFAULT 0 CONSTRAINT chain_tree_size CHECK (tree_size >= 0),
        ADD COLUMN tree_frontier bytea NOT NULL DEFAULT ''::bytea`);

    await q.query(`
      CREATE TABLE ledger.log_leaf (
        -- No foreign key to the chain: only the owner-run append functions write leaves, after reading the chain row
        -- they hold locked, and a key check per leaf would be a query per posting for nothing.
        neighbourhood_id uuid NOT NULL,
        leaf_index bigint NOT NULL CHECK (leaf_index >= 0),
        kind text NOT NULL CONSTRAINT log_leaf_kind CHECK (kind IN ('ENTRY', 'ACCOUNT', 'BUDGET_REVISION')),
        record_id uuid NOT NULL,
        record_version integer NOT NULL,
        data text NOT NULL,
        CONSTRAINT log_leaf_pkey PRIMARY KEY (neighbourhood_id, leaf_index)
      )`);
    await q.query(`
      CREATE TABLE ledger.log_node (
        neighbourhood_id uuid NOT NULL,
        level smallint NOT NULL CHECK (level >= 1),
        node_index bigint NOT NULL CHECK (node_index >= 0),
        hash bytea NOT NULL CHECK (length(hash) = 32),
        CONSTRAINT log_node_pkey PRIMARY KEY (neighbourhood_id, level, node_index)
      )`);

    await q.query(`ALTER TABLE ledger.entry ADD COLUMN leaf_index bigint`);
    await q.query(`ALTER TABLE ledger.budget_revision ADD COLUMN leaf_index bigint`);
    await q.query(`
      ALTER TABLE ledger.account
        ADD COLUMN version integer NOT NULL DEFAULT 0,
        ADD COLUMN leaf_index bigint,
        ADD COLUMN version_recorded_at timestamptz,
        ADD COLUMN version_recorded_by uuid`);

    // Text is escaped exactly as JSON.stringify escapes it (PostgreSQL's to_json writes the same escapes: \" \\ \b \f
    // \n \r \t and \u00xx in lower case). These helpers are plain SQL without a SET clause, so the planner inlines
    // them; they run with the privileges of whoever calls them and name only built-in functions.
    await q.query(`
      CREATE FUNCTION ledger.json_text(value text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
        RETURN coalesce(to_json(value)::text, 'null')`);
    await q.query(`
      CREATE FUNCTION ledger.json_time(value timestamptz) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
        RETURN coalesce('"' || to_char(value AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"', 'null')`);

    // The leaf data of each record (docs/ledger-hash.md, "Leaves"); also what verification compares stored leaves with.
    await q.query(`
      CREATE FUNCTION ledger.entry_leaf_data(sequence integer, hash text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
        RETURN '["dbwe-entry-leaf-v1",' || sequence || ',' || ledger.json_text(hash) || ']'`);
    await q.query(`
      CREATE FUNCTION ledger.account_leaf_data(a ledger.account) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
        RETURN '["dbwe-account-v1",' || ledger.json_text(a.id::text) || ',' || a.version || ',' || ledger.json_text(a.neighbourhood_id::text)
          || ',' || ledger.json_text(a.code) || ',' || ledger.json_text(a.name) || ',' || ledger.json_text(a.type) || ',' || ledger.json_text(a.unit)
          || ',' || ledger.json_text(a.project_id::text) || ',' || ledger.json_text(a.taakveld) || ',' || CASE WHEN a.no_overdraft THEN 'true' ELSE 'false' END
          || ',' || ledger.json_time(a.version_recorded_at) || ',' || ledger.json_text(a.version_recorded_by::text) || ']'`);
    await q.query(`
      CREATE FUNCTION ledger.budget_leaf_data(b ledger.budget, r ledger.budget_revision) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
        RETURN '["dbwe-budget-v1",' || ledger.json_text(b.id::text) || ',' || r.revision || ',' || ledger.json_text(b.neighbourhood_id::text)
          || ',' || ledger.json_text(b.project_id::text) || ',' || ledger.json_text(b.unit) || ',' || ledger.json_text(b.period_start::text)
          || ',' || ledger.json_text(b.period_end::text) || ',' || ledger.json_text(r.amount_minor::text) || ',' || ledger.json_text(r.reason)
          || ',' || ledger.json_time(r.recorded_at) || ',' || ledger.json_text(r.recorded_by::text) || ']'`);

    /*
     * Appends one leaf to a tree of the given size and frontier and returns the
     * new frontier; the caller stores it with size + 1 in the chain row it has
     * locked. A leaf at an odd index completes a subtree with the frontier's
     * last root, which may complete the next one up, and so on: the loop
     * stores each completed subtree's hash. Only the owner-run functions below
     * call it (the service may not), so it needs no SECURITY DEFINER or
     * search_path of its own, which would cost every posting a switch of both.
     */
    await q.query(`
      CREATE FUNCTION ledger.log_grow(nb uuid, size bigint, frontier bytea, kind text, record_id uuid, record_version integer, data text)
        RETURNS bytea LANGUAGE plpgsql AS $$
      DECLARE
        carry bytea := sha256(decode('00', 'hex') || convert_to(data, 'UTF8'));
        rest bytea := frontier;
        idx bigint := size;
        lvl smallint := 0;
      BEGIN
        IF length(frontier) <> 32 * bit_count(size::bit(64)) THEN
          RAISE EXCEPTION 'the tree frontier of neighbourhood % does not fit its size %', nb, size
            USING ERRCODE = 'data_corrupted', CONSTRAINT = 'log_frontier_fits_size';
        END IF;
        INSERT INTO ledger.log_leaf (neighbourhood_id, leaf_index, kind, record_id, record_version, data)
          VALUES (nb, size, kind, record_id, record_version, data);
        WHILE idx % 2 = 1 LOOP
          carry := sha256(decode('01', 'hex') || substring(rest FROM length(rest) - 31 FOR 32) || carry);
          rest := substring(rest FROM 1 FOR length(rest) - 32);
          lvl := lvl + 1;
          idx := idx / 2;
          INSERT INTO ledger.log_node (neighbourhood_id, level, node_index, hash) VALUES (nb, lvl, idx, carry);
        END LOOP;
        RETURN rest || carry;
      END $$`);

    // For records other than entries: lock the books' head, append, move the head. Returns the leaf's index.
    await q.query(`
      CREATE FUNCTION ledger.log_append(nb uuid, kind text, record_id uuid, record_version integer, data text)
        RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = ledger, pg_temp AS $$
      DECLARE
        head record;
      BEGIN
        SELECT tree_size, tree_frontier INTO head FROM ledger.chain WHERE neighbourhood_id = nb FOR UPDATE;
        IF NOT FOUND THEN
          RAISE EXCEPTION 'the books of neighbourhood % are not open', nb
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'log_books_open';
        END IF;
        UPDATE ledger.chain SET tree_size = head.tree_size + 1, tree_frontier = ledger.log_grow(nb, head.tree_size, head.tree_frontier, kind, record_id, record_version, data)
         WHERE neighbourhood_id = nb;
        RETURN head.tree_size;
      END $$`);

    /*
     * An entry continues its neighbourhood's chain and is appended to its log,
     * in one update of the chain row (the posting transaction holds its lock).
     * The rest is as before: reversals stay in their books, a reversal is not
     * reversed, a project's money is pinned to one neighbourhood.
     */
    await q.query(`
      CREATE OR REPLACE FUNCTION ledger.link_entry() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = ledger, pg_temp AS $$
      DECLARE
        leaf bigint;
        target record;
      BEGIN
        -- One statement: the SET expressions see the row as it was, so log_grow appends to the old tree, and only when
        -- the entry continues the chain (the WHERE clause) is anything appended at all.
        UPDATE ledger.chain
           SET last_sequence = NEW.sequence, last_hash = NEW.hash, tree_size = tree_size + 1,
               -- ledger.entry_leaf_data, written out: the hash is 64 hex digits (entry_hash_check), nothing to escape.
               tree_frontier = ledger.log_grow(NEW.neighbourhood_id, tree_size, tree_frontier, 'ENTRY', NEW.id, NEW.sequence,
                                               '["dbwe-entry-leaf-v1",' || NEW.sequence || ',"' || NEW.hash || '"]')
         WHERE neighbourhood_id = NEW.neighbourhood_id AND last_sequence = NEW.sequence - 1 AND last_hash = NEW.previous_hash
        RETURNING tree_size - 1 INTO leaf;
        IF NOT FOUND THEN
          RAISE EXCEPTION 'entry % does not continue the chain of neighbourhood %', NEW.sequence, NEW.neighbourhood_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'entry_continues_chain';
        END IF;
        NEW.leaf_index := leaf;
        IF NEW.reverses_id IS NOT NULL THEN
          SELECT neighbourhood_id, reverses_id INTO target FROM ledger.entry WHERE id = NEW.reverses_id;
          IF FOUND AND target.neighbourhood_id <> NEW.neighbourhood_id THEN
            RAISE EXCEPTION 'an entry can only be reversed in its own books'
              USING ERRCODE = 'check_violation', CONSTRAINT = 'entry_reversal_same_books';
          END IF;
          IF FOUND AND target.reverses_id IS NOT NULL THEN
            RAISE EXCEPTION 'entry % is itself a reversal; a reversal cannot be reversed', NEW.reverses_id
              USING ERRCODE = 'check_violation', CONSTRAINT = 'entry_no_reversal_of_reversal';
          END IF;
        END IF;
        IF NEW.project_id IS NOT NULL THEN
          PERFORM ledger.pin_project(NEW.project_id, NEW.neighbourhood_id);
        END IF;
        RETURN NEW;
      END $$`);

    /*
     * Every version of an account is a leaf: the first when it is created, a
     * new one whenever a logged field changes. A balance moving (the line
     * trigger's update) is not a new version; the version columns themselves
     * can only be set here.
     */
    await q.query(`
      CREATE FUNCTION ledger.log_account() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = ledger, pg_temp AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND (NEW.code, NEW.name, NEW.type, NEW.unit, NEW.project_id, NEW.taakveld, NEW.no_overdraft)
                                IS NOT DISTINCT FROM (OLD.code, OLD.name, OLD.type, OLD.unit, OLD.project_id, OLD.taakveld, OLD.no_overdraft) THEN
          NEW.version := OLD.version;
          NEW.leaf_index := OLD.leaf_index;
          NEW.version_recorded_at := OLD.version_recorded_at;
          NEW.version_recorded_by := OLD.version_recorded_by;
          RETURN NEW;
        END IF;
        NEW.version := CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE OLD.version + 1 END;
        NEW.version_recorded_at := date_trunc('milliseconds', CASE WHEN TG_OP = 'INSERT' THEN NEW.created_at ELSE now() END);
        IF TG_OP = 'UPDATE' AND NEW.version_recorded_by IS NOT DISTINCT FROM OLD.version_recorded_by THEN
          -- A change made without saying who made it is recorded as made by nobody, not by the previous version's author.
          NEW.version_recorded_by := NULL;
        END IF;
        NEW.leaf_index := ledger.log_append(NEW.neighbourhood_id, 'ACCOUNT', NEW.id, NEW.version, ledger.account_leaf_data(NEW));
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER account_log BEFORE INSERT OR UPDATE ON ledger.account FOR EACH ROW EXECUTE FUNCTION ledger.log_account()`);

    await q.query(`
      CREATE FUNCTION ledger.log_budget_revision() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = ledger, pg_temp AS $$
      DECLARE
        b ledger.budget;
      BEGIN
        SELECT * INTO b FROM ledger.budget WHERE id = NEW.budget_id;
        NEW.recorded_at := date_trunc('milliseconds', NEW.recorded_at);
        NEW.leaf_index := ledger.log_append(b.neighbourhood_id, 'BUDGET_REVISION', b.id, NEW.revision, ledger.budget_leaf_data(b, NEW));
        RETURN NEW;
      END $$`);
    // Named to fire after budget_revision_check (triggers fire in name order), so a revision out of turn is refused first.
    await q.query(`CREATE TRIGGER budget_revision_log BEFORE INSERT ON ledger.budget_revision FOR EACH ROW EXECUTE FUNCTION ledger.log_budget_revision()`);

    // The log, like the entries, only grows.
    for (const table of ['log_leaf', 'log_node']) {
      await q.query(`CREATE TRIGGER ${table}_immutable BEFORE UPDATE OR DELETE ON ledger.${table} FOR EACH ROW EXECUTE FUNCTION ledger.refuse_change()`);
      await q.query(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ledger.${table} FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_change()`);
    }

    // Signed checkpoints, the keys that signed them, witnesses and their cosignatures.
    await q.query(`
      CREATE TABLE ledger.signing_key (
        public_key bytea PRIMARY KEY CHECK (length(public_key) = 32),
        first_used_at timestamptz NOT NULL,
        retired_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE ledger.checkpoint (
        neighbourhood_id uuid NOT NULL REFERENCES ledger.chain (neighbourhood_id),
        tree_size bigint NOT NULL CHECK (tree_size >= 0),
        root_hash bytea NOT NULL CHECK (length(root_hash) = 32),
        note text NOT NULL,
        signed_at timestamptz NOT NULL,
        CONSTRAINT checkpoint_pkey PRIMARY KEY (neighbourhood_id, tree_size)
      )`);
    await q.query(`CREATE INDEX checkpoint_signed_at ON ledger.checkpoint (neighbourhood_id, signed_at)`);
    await q.query(`
      CREATE TABLE ledger.witness (
        id uuid PRIMARY KEY,
        neighbourhood_id uuid NOT NULL REFERENCES ledger.chain (neighbourhood_id),
        name text NOT NULL CONSTRAINT witness_name_format CHECK (name ~ '^[^[:space:]+]+$' AND length(name) <= 200),
        public_key bytea NOT NULL CHECK (length(public_key) = 32),
        key_id bytea NOT NULL CHECK (length(key_id) = 4),
        description text NOT NULL CONSTRAINT witness_description_length CHECK (length(description) BETWEEN 1 AND 500),
        registered_at timestamptz NOT NULL,
        registered_by uuid,
        retired_at timestamptz,
        CONSTRAINT witness_key_unique UNIQUE (neighbourhood_id, name, key_id)
      )`);
    await q.query(`
      CREATE TABLE ledger.cosignature (
        neighbourhood_id uuid NOT NULL,
        tree_size bigint NOT NULL,
        witness_id uuid NOT NULL REFERENCES ledger.witness (id),
        cosigned_at timestamptz NOT NULL,
        signature_line text NOT NULL,
        received_at timestamptz NOT NULL,
        CONSTRAINT cosignature_pkey PRIMARY KEY (neighbourhood_id, tree_size, witness_id),
        FOREIGN KEY (neighbourhood_id, tree_size) REFERENCES ledger.checkpoint (neighbourhood_id, tree_size)
      )`);
    for (const table of ['checkpoint', 'cosignature']) {
      await q.query(`CREATE TRIGGER ${table}_immutable BEFORE UPDATE OR DELETE ON ledger.${table} FOR EACH ROW EXECUTE FUNCTION ledger.refuse_change()`);
      await q.query(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ledger.${table} FOR EACH STATEMENT EXECUTE FUNCTION ledger.refuse_change()`);
    }

    // Books opened before the log get their origin from the ledger's setting when it first starts with a log; the
    // service may set a missing origin, never change one.
    await q.query(`
      CREATE FUNCTION ledger.assign_log_origins(prefix text) RETURNS integer
        LANGUAGE sql SECURITY DEFINER SET search_path = ledger, pg_temp
        BEGIN ATOMIC
          WITH assigned AS (UPDATE ledger.chain SET log_origin = prefix || '/' || neighbourhood_id WHERE log_origin IS NULL RETURNING 1)
          SELECT count(*)::integer FROM assigned;
        END`);

    await this.appendExistingRecords(q);
    await q.query(`ALTER TABLE ledger.account ADD CONSTRAINT account_logged CHECK (version >= 1 AND leaf_index IS NOT NULL)`);
    await q.query(`ALTER TABLE ledger.entry ADD CONSTRAINT entry_logged CHECK (leaf_index IS NOT NULL)`);
    await q.query(`ALTER TABLE ledger.budget_revision ADD CONSTRAINT budget_revision_logged CHECK (leaf_index IS NOT NULL)`);
  }

  /**
   * Books opened before the log get theirs now, per neighbourhood: its
   * accounts (version 1, as opened), then its budget revisions, then its
   * entries in sequence order (docs/ledger-hash.md, "Versions"). The entry
   * and revision rows only gain their leaf index, which their immutability
   * triggers would refuse; they are switched off for that one statement
   * each, inside this migration's transaction.
   */
  private async appendExistingRecords(q: QueryRunner): Promise<void> {
    // Getting a version is not a change a sync client must fetch again: updated_at stays.
    await q.query(`ALTER TABLE ledger.account DISABLE TRIGGER account_log, DISABLE TRIGGER account_touch`);
    await q.query(`
      DO $$
      DECLARE
        a ledger.account;
      BEGIN
        FOR a IN SELECT * FROM ledger.account ORDER BY neighbourhood_id, created_at, code LOOP
          a.version := 1;
          a.version_recorded_at := date_trunc('milliseconds', a.created_at);
          UPDATE ledger.account
             SET version = 1, version_recorded_at = a.version_recorded_at,
                 leaf_index = ledger.log_append(a.neighbourhood_id, 'ACCOUNT', a.id, 1, ledger.account_leaf_data(a))
           WHERE id = a.id;
        END LOOP;
      END $$`);
    await q.query(`ALTER TABLE ledger.account ENABLE TRIGGER account_log, ENABLE TRIGGER account_touch`);

    await q.query(`ALTER TABLE ledger.budget_revision DISABLE TRIGGER budget_revision_immutable`);
    await q.query(`
      DO $$
      DECLARE
        r record;
      BEGIN
        FOR r IN SELECT b, v FROM ledger.budget b JOIN ledger.budget_revision v ON v.budget_id = b.id
                  ORDER BY b.neighbourhood_id, v.recorded_at, b.id, v.revision LOOP
          UPDATE ledger.budget_revision
             SET leaf_index = ledger.log_append((r.b).neighbourhood_id, 'BUDGET_REVISION', (r.b).id, (r.v).revision, ledger.budget_leaf_data(r.b, r.v))
           WHERE budget_id = (r.b).id AND revision = (r.v).revision;
        END LOOP;
      END $$`);
    await q.query(`ALTER TABLE ledger.budget_revision ENABLE TRIGGER budget_revision_immutable`);

    await q.query(`ALTER TABLE ledger.entry DISABLE TRIGGER entry_immutable`);
    await q.query(`
      DO $$
      DECLARE
        e record;
      BEGIN
        FOR e IN SELECT id, neighbourhood_id, sequence, hash FROM ledger.entry ORDER BY neighbourhood_id, sequence LOOP
          UPDATE ledger.entry
             SET leaf_index = ledger.log_append(e.neighbourhood_id, 'ENTRY', e.id, e.sequence, ledger.entry_leaf_data(e.sequence, e.hash))
           WHERE id = e.id;
        END LOOP;
      END $$`);
    await q.query(`ALTER TABLE ledger.entry ENABLE TRIGGER entry_immutable`);
  }

  async down(): Promise<void> {
    throw new Error('TransparencyLog1765000000000 is one-way: the log and its signed checkpoints are part of the books.');
  }
}
