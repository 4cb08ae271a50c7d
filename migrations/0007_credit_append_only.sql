-- Credit inputs, their withdrawals and the published class changes are records of what departments
-- said and what Tidegate published: never edited, never deleted (a correction is a withdrawal row).
CREATE TRIGGER credit_inputs_append_only BEFORE UPDATE OR DELETE ON "credit_inputs"
  FOR EACH ROW EXECUTE FUNCTION tidegate_refuse_change();
--> statement-breakpoint
CREATE TRIGGER credit_withdrawals_append_only BEFORE UPDATE OR DELETE ON "credit_withdrawals"
  FOR EACH ROW EXECUTE FUNCTION tidegate_refuse_change();
--> statement-breakpoint
CREATE TRIGGER credit_class_changes_append_only BEFORE UPDATE OR DELETE ON "credit_class_changes"
  FOR EACH ROW EXECUTE FUNCTION tidegate_refuse_change();
