-- Origins are ISO 3166-1 alpha-2, as on the declarations that carry the goods. NOT VALID: items
-- entered before (e.g. DEU) stay readable and are fixed by the audited item correction, which
-- must then set a valid origin; every new or corrected row is checked.
ALTER TABLE "ledger_items" DROP CONSTRAINT "ledger_items_origin_ck";--> statement-breakpoint
ALTER TABLE "ledger_items" ADD CONSTRAINT "ledger_items_origin_ck" CHECK ("ledger_items"."origin_country" ~ '^[A-Z]{2}$') NOT VALID;
