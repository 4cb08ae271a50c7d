-- A transition, a tax bill and an alert are records of what was decided: never edited or deleted.
-- A wrong bill is answered by a supplementary bill, never by changing the first one.
CREATE TRIGGER decl_transitions_append_only BEFORE UPDATE OR DELETE ON "decl_transitions"
  FOR EACH ROW EXECUTE FUNCTION tidegate_refuse_change();
--> statement-breakpoint
CREATE TRIGGER decl_tax_bills_append_only BEFORE UPDATE OR DELETE ON "decl_tax_bills"
  FOR EACH ROW EXECUTE FUNCTION tidegate_refuse_change();
--> statement-breakpoint
CREATE TRIGGER decl_alerts_append_only BEFORE UPDATE OR DELETE ON "decl_alerts"
  FOR EACH ROW EXECUTE FUNCTION tidegate_refuse_change();
