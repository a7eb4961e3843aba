import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the service's own role (`dbwe_ledger`) could still write around the
 * log with the INSERT and UPDATE grants it holds, closed by guards that hold
 * for every role that cannot switch triggers off:
 *
 * - a line added to an entry booked earlier moved a balance by any amount
 *   (the balance check runs when an entry is inserted, not when a line is);
 * - a chain row opened with a head, a tree or another log's origin made the
 *   signer vouch, under that origin, for a tree that is not its books';
 * - a checkpoint row of a size the tree does not have, or with another root,
 *   was served as the newest checkpoint and stopped the signer for good;
 * - a "cosignature" line named as the log's own key made every verifier
 *   refuse the checkpoint, forever (cosignatures are immutable);
 * - a retired signing key or witness could be brought back.
 *
 * The database cannot check an Ed25519 signature; everything else about
 * these rows it checks here.
 */
export class LogGuards1765100000000 implements MigrationInterface {
  name = 'LogGuards1765100000000';

  async up(q: QueryRunner): Promise<void> {
    /*
     * Lines are booked with their entry, in the transaction that inserts it.
     * The entry row's xmin is that transaction's id (no subtransaction books
     * entries: posting, the seeds and the bench load insert an entry and its
     * lines in one top-level transaction). The rest is the line trigger of
     * 1764500000000-member-hours, run as the owner (1764900000000).
     */
    await q.query(applyLine(true));

    // A log's origin names its own books (docs/ledger-hash.md, "Origin"), and books open empty: no head, no tree.
    await q.query(`
      ALTER TABLE ledger.chain ADD CONSTRAINT chain_log_origin_names_books
        CHECK (log_origin IS NULL OR right(log_origin, 37) = '/' || neighbourhood_id::text)`);
    await q.query(`
      CREATE FUNCTION ledger.check_chain_opening() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = ledger, pg_temp AS $$
      BEGIN
        IF NEW.last_sequence <> 0 OR NEW.last_hash <> repeat('0', 64) OR NEW.tree_size <> 0 OR NEW.tree_frontier <> ''::bytea THEN
          RAISE EXCEPTION 'books open empty: no entries and an empty log'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'chain_opens_empty';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER chain_opens_empty BEFORE INSERT ON ledger.chain FOR EACH ROW EXECUTE FUNCTION ledger.check_chain_opening()`);

    /*
     * The root of a log's first `size` leaves from its stored full subtrees
     * (RFC 9162 §2.1.1), as log-store.ts computes it: the subtrees of the
     * binary digits of `size`, largest first, joined from the right. Null
     * when a subtree is missing.
     */
    await q.query(`
      CREATE FUNCTION ledger.log_root_at(nb uuid, size bigint) RETURNS bytea LANGUAGE plpgsql STABLE SET search_path = ledger, pg_temp AS $$
      DECLARE
        subtrees bytea[] := '{}';
        start bigint := 0;
        h bytea;
        root bytea;
      BEGIN
        IF size = 0 THEN
          RETURN sha256(''::bytea);
        END IF;
        FOR lvl IN REVERSE 62 .. 0 LOOP
          CONTINUE WHEN (size >> lvl) & 1 = 0;
          IF lvl = 0 THEN
            SELECT sha256(decode('00', 'hex') || convert_to(data, 'UTF8')) INTO h FROM ledger.log_leaf WHERE neighbourhood_id = nb AND leaf_index = start;
          ELSE
            SELECT hash INTO h FROM ledger.log_node WHERE neighbourhood_id = nb AND level = lvl AND node_index = start >> lvl;
          END IF;
          IF h IS NULL THEN
            RETURN NULL;
          END IF;
          subtrees := subtrees || h;
          start := start + (1::bigint << lvl);
        END LOOP;
        root := subtrees[cardinality(subtrees)];
        FOR i IN REVERSE cardinality(subtrees) - 1 .. 1 LOOP
          root := sha256(decode('01', 'hex') || subtrees[i] || root);
        END LOOP;
        RETURN root;
      END $$`);

    // A checkpoint is of its log's tree as stored: a size it has, that size's root, and a note of exactly those.
    await q.query(`
      CREATE FUNCTION ledger.check_checkpoint() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = ledger, pg_temp AS $$
      DECLARE
        head record;
        text_part text;
        signature text;
      BEGIN
        SELECT log_origin, tree_size INTO head FROM ledger.chain WHERE neighbourhood_id = NEW.neighbourhood_id;
        text_part := head.log_origin || E'\\n' || NEW.tree_size || E'\\n' || encode(NEW.root_hash, 'base64') || E'\\n\\n';
        IF head.log_origin IS NULL OR NEW.tree_size > head.tree_size
           OR ledger.log_root_at(NEW.neighbourhood_id, NEW.tree_size) IS DISTINCT FROM NEW.root_hash
           OR NOT starts_with(NEW.note, text_part) OR right(NEW.note, 1) <> E'\\n' THEN
          RAISE EXCEPTION 'a checkpoint of neighbourhood % must sign a size and root its stored log has', NEW.neighbourhood_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'checkpoint_of_the_log';
        END IF;
        -- After the text only the log's own signature lines: cosignatures are kept apart and served after them.
        FOREACH signature IN ARRAY string_to_array(rtrim(substring(NEW.note FROM length(text_part) + 1), E'\\n'), E'\\n') LOOP
          IF NOT starts_with(signature, '— ' || head.log_origin || ' ') THEN
            RAISE EXCEPTION 'a checkpoint carries only its log''s signature lines'
              USING ERRCODE = 'check_violation', CONSTRAINT = 'checkpoint_of_the_log';
          END IF;
        END LOOP;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER checkpoint_of_the_log BEFORE INSERT ON ledger.checkpoint FOR EACH ROW EXECUTE FUNCTION ledger.check_checkpoint()`);

    // A witness's key ID is its key's (c2sp.org/tlog-cosignature), and a witness is not named as the log it witnesses.
    await q.query(`
      CREATE FUNCTION ledger.check_witness() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = ledger, pg_temp AS $$
      BEGIN
        IF NEW.key_id <> substring(sha256(convert_to(NEW.name, 'UTF8') || decode('0a04', 'hex') || NEW.public_key) FROM 1 FOR 4)
           OR NEW.name = (SELECT log_origin FROM ledger.chain WHERE neighbourhood_id = NEW.neighbourhood_id) THEN
          RAISE EXCEPTION 'a witness has the key ID of its name and key, and another name than the log'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'witness_key_of_its_own';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER witness_key_of_its_own BEFORE INSERT ON ledger.witness FOR EACH ROW EXECUTE FUNCTION ledger.check_witness()`);

    // A cosignature line is its witness's: that witness's name and key ID, a timestamp and a signature, in its books;
    // the time it is served with (Cosignature.cosignedAt) is the one it signed.
    await q.query(`
      CREATE FUNCTION ledger.check_cosignature() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = ledger, pg_temp AS $$
      DECLARE
        w record;
        encoded text;
      BEGIN
        SELECT neighbourhood_id, name, key_id INTO w FROM ledger.witness WHERE id = NEW.witness_id;
        encoded := substring(NEW.signature_line FROM length('— ' || w.name || ' ') + 1);
        IF w.neighbourhood_id IS DISTINCT FROM NEW.neighbourhood_id OR NOT starts_with(NEW.signature_line, '— ' || w.name || ' ')
           OR encoded !~ '^[A-Za-z0-9+/]{102}==\\n$' OR substring(decode(rtrim(encoded, E'\\n'), 'base64') FROM 1 FOR 4) <> w.key_id
           OR NEW.cosigned_at <> to_timestamp(('x' || encode(substring(decode(rtrim(encoded, E'\\n'), 'base64') FROM 5 FOR 8), 'hex'))::bit(64)::bigint) THEN
          RAISE EXCEPTION 'a cosignature line carries its witness''s name and key ID, a timestamp and a signature'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'cosignature_of_its_witness';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER cosignature_of_its_witness BEFORE INSERT ON ledger.cosignature FOR EACH ROW EXECUTE FUNCTION ledger.check_cosignature()`);

    // Retired is for good: a key that may have leaked, or a witness let go, is not brought back.
    await q.query(`
      CREATE FUNCTION ledger.refuse_unretire() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.retired_at IS NOT NULL AND NEW.retired_at IS DISTINCT FROM OLD.retired_at THEN
          RAISE EXCEPTION 'a retired % stays retired as of %', TG_TABLE_NAME, OLD.retired_at
            USING ERRCODE = 'check_violation', CONSTRAINT = 'retired_for_good';
        END IF;
        RETURN NEW;
      END $$`);
    for (const table of ['signing_key', 'witness']) {
      await q.query(`CREATE TRIGGER ${table}_retired_for_good BEFORE UPDATE ON ledger.${table} FOR EACH ROW EXECUTE FUNCTION ledger.refuse_unretire()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['signing_key', 'witness']) await q.query(`DROP TRIGGER ${table}_retired_for_good ON ledger.${table}`);
    await q.query(`DROP TRIGGER cosignature_of_its_witness ON ledger.cosignature`);
    await q.query(`DROP TRIGGER witness_key_of_its_own ON ledger.witness`);
    await q.query(`DROP TRIGGER checkpoint_of_the_log ON ledger.checkpoint`);
    await q.query(`DROP TRIGGER chain_opens_empty ON ledger.chain`);
    await q.query(`ALTER TABLE ledger.chain DROP CONSTRAINT chain_log_origin_names_books`);
    await q.query(
      `DROP FUNCTION ledger.refuse_unretire(), ledger.check_cosignature(), ledger.check_witness(), ledger.check_checkpoint(),
                     ledger.log_root_at(uuid, bigint), ledger.check_chain_opening()`,
    );
    await q.query(applyLine(false));
  }
}

/** The line trigger's function (1764500000000-member-hours, run as the owner since 1764900000000), with or without the guard. */
function applyLine(withItsEntry: boolean): string {
  return `
      CREATE OR REPLACE FUNCTION ledger.apply_line() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = ledger, pg_temp AS $$
      DECLARE
        e record;
        account_type text;
      BEGIN
        SELECT neighbourhood_id, booking_date, project_id, member_id, xmin INTO e FROM ledger.entry WHERE id = NEW.entry_id;
        ${
          withItsEntry
            ? `IF e.xmin IS DISTINCT FROM pg_current_xact_id()::xid THEN
          RAISE EXCEPTION 'entry % is booked already; its lines are booked with it, in one transaction', NEW.entry_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'line_with_its_entry';
        END IF;`
            : ''
        }
        UPDATE ledger.account SET balance_minor = balance_minor + NEW.amount_minor
         WHERE id = NEW.account_id AND neighbourhood_id = e.neighbourhood_id
        RETURNING type INTO account_type;
        IF NOT FOUND THEN
          RAISE EXCEPTION 'account % is not in the books of this entry''s neighbourhood', NEW.account_id
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'line_account_in_neighbourhood';
        END IF;
        INSERT INTO ledger.account_day AS d (account_id, day, net_minor) VALUES (NEW.account_id, e.booking_date, NEW.amount_minor)
          ON CONFLICT (account_id, day) DO UPDATE SET net_minor = d.net_minor + EXCLUDED.net_minor;
        IF e.project_id IS NOT NULL THEN
          INSERT INTO ledger.project_day AS d (project_id, account_id, day, net_minor)
            VALUES (e.project_id, NEW.account_id, e.booking_date, NEW.amount_minor)
            ON CONFLICT (project_id, day, account_id) DO UPDATE SET net_minor = d.net_minor + EXCLUDED.net_minor;
        END IF;
        IF e.member_id IS NOT NULL AND NEW.unit = 'HOUR' AND account_type = 'EXPENSE' THEN
          INSERT INTO ledger.member_day AS d (member_id, day, hours_minor) VALUES (e.member_id, e.booking_date, NEW.amount_minor)
            ON CONFLICT (member_id, day) DO UPDATE SET hours_minor = d.hours_minor + EXCLUDED.hours_minor;
        END IF;
        RETURN NULL;
      END $$`;
}
