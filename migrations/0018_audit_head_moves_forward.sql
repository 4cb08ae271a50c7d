-- A command may append several entries to one partition in one statement (a batch of gate
-- decisions, several reservation postings): its head then moves past all of them at once. The
-- rule stays as strict where it matters: a head never goes back nor changes partition, and it
-- only moves onto an entry that exists in its partition with exactly the head's hash (the entries
-- are written by an earlier statement of the same transaction).
CREATE OR REPLACE FUNCTION tidegate_audit_head_moves_by_one() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'audit heads are never deleted' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF NEW.partition <> OLD.partition OR NEW.pseq <= OLD.pseq THEN
    RAISE EXCEPTION 'audit head of partition % may only move forward from %, not to %:%', OLD.partition, OLD.pseq, NEW.partition, NEW.pseq
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM audit_entries e WHERE e.partition = NEW.partition AND e.pseq = NEW.pseq AND e.hash = NEW.hash) THEN
    RAISE EXCEPTION 'audit head of partition % may only move onto an entry of its chain; there is none at % with that hash', NEW.partition, NEW.pseq
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
