-- The audit chain and the outbox are append-only: the application can never edit or delete an
-- entry. (Tampering below the application, e.g. by a superuser disabling this trigger, is what
-- `tidegate audit verify` detects.)
CREATE OR REPLACE FUNCTION tidegate_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON "audit_entries"
  FOR EACH ROW EXECUTE FUNCTION tidegate_refuse_change();
--> statement-breakpoint
CREATE TRIGGER outbox_events_append_only BEFORE UPDATE OR DELETE ON "outbox_events"
  FOR EACH ROW EXECUTE FUNCTION tidegate_refuse_change();
