-- Risk decisions and inspection outcomes are records of what was decided and found: they are
-- never edited or deleted (a correction of an outcome would be a new record, not an edit).
CREATE TRIGGER risk_decisions_append_only BEFORE UPDATE OR DELETE ON "risk_decisions"
  FOR EACH ROW EXECUTE FUNCTION tidegate_refuse_change();
--> statement-breakpoint
CREATE TRIGGER risk_outcomes_append_only BEFORE UPDATE OR DELETE ON "risk_outcomes"
  FOR EACH ROW EXECUTE FUNCTION tidegate_refuse_change();
--> statement-breakpoint
-- A feature version's definition is fixed once written: only its life-cycle columns may change.
CREATE OR REPLACE FUNCTION risk_feature_definition_fixed() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'risk feature versions are never deleted; retire them' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF (NEW.code, NEW.version, NEW.name, NEW.description, NEW.category, NEW.scope, NEW.expression, NEW.weight, NEW.force_level, NEW.expires_on, NEW.created_by, NEW.created_at)
     IS DISTINCT FROM (OLD.code, OLD.version, OLD.name, OLD.description, OLD.category, OLD.scope, OLD.expression, OLD.weight, OLD.force_level, OLD.expires_on, OLD.created_by, OLD.created_at) THEN
    RAISE EXCEPTION 'a risk feature version is immutable; create a new version' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER risk_feature_versions_fixed BEFORE UPDATE OR DELETE ON "risk_feature_versions"
  FOR EACH ROW EXECUTE FUNCTION risk_feature_definition_fixed();
--> statement-breakpoint
-- The feature library starts empty at set version 0, with no model.
INSERT INTO "risk_library_state" ("id", "set_version", "updated_at", "updated_by") VALUES (1, 0, now(), 'system:migration') ON CONFLICT DO NOTHING;
