-- Personal credit records are never deleted and never edited: the only change allowed is the one
-- withdrawal of a record (date, reason, who), which a correction needs.
CREATE OR REPLACE FUNCTION personal_credit_record_withdraw_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'personal credit records are never deleted; withdraw them' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF OLD.withdrawn_on IS NOT NULL
     OR (NEW.id, NEW.person_hash, NEW.id_type, NEW.code, NEW.kind, NEW.points, NEW.occurred_on, NEW.counts_until, NEW.reason,
         NEW.source, NEW.source_ref, NEW.parameter_version, NEW.created_by, NEW.created_at, NEW.audit_seq)
        IS DISTINCT FROM
        (OLD.id, OLD.person_hash, OLD.id_type, OLD.code, OLD.kind, OLD.points, OLD.occurred_on, OLD.counts_until, OLD.reason,
         OLD.source, OLD.source_ref, OLD.parameter_version, OLD.created_by, OLD.created_at, OLD.audit_seq) THEN
    RAISE EXCEPTION 'a personal credit record is only ever withdrawn, once' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER personal_credit_records_withdraw_only BEFORE UPDATE OR DELETE ON "personal_credit_records"
  FOR EACH ROW EXECUTE FUNCTION personal_credit_record_withdraw_only();
