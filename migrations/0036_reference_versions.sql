CREATE TABLE "reference_versions" (
	"kind" text PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL
);
--> statement-breakpoint
INSERT INTO "reference_versions" ("kind", "version") VALUES ('parameters', 1), ('tariff', 1), ('exchange_rates', 1);
--> statement-breakpoint
-- Raises the kind's counter in the transaction that changes its table, and tells every listening
-- process at commit (NOTIFY is delivered only if the transaction commits). Statement-level: a
-- bulk load of 10,000 tariff lines raises the counter once.
CREATE FUNCTION tidegate_reference_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v bigint;
BEGIN
  UPDATE reference_versions SET version = version + 1 WHERE kind = TG_ARGV[0] RETURNING version INTO v;
  PERFORM pg_notify('tidegate_reference', TG_ARGV[0] || ':' || v);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER policy_parameters_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON "policy_parameters" FOR EACH STATEMENT EXECUTE FUNCTION tidegate_reference_changed('parameters');
--> statement-breakpoint
CREATE TRIGGER tariff_lines_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON "tariff_lines" FOR EACH STATEMENT EXECUTE FUNCTION tidegate_reference_changed('tariff');
--> statement-breakpoint
CREATE TRIGGER tax_exchange_rates_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON "tax_exchange_rates" FOR EACH STATEMENT EXECUTE FUNCTION tidegate_reference_changed('exchange_rates');
