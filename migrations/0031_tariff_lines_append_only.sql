-- Tariff lines are append-only: a correction is a new version, so every tax computed with an older
-- version can still show the rate it used (tidegate_refuse_change comes from the audit migration).
CREATE TRIGGER tariff_lines_append_only BEFORE UPDATE OR DELETE ON "tariff_lines"
  FOR EACH ROW EXECUTE FUNCTION tidegate_refuse_change();
