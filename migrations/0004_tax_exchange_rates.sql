CREATE TABLE "tax_exchange_rates" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"currency" text NOT NULL,
	"rate_date" date NOT NULL,
	"rate" numeric(24, 10) NOT NULL,
	"unit" integer NOT NULL,
	"quote" text NOT NULL,
	"source" text NOT NULL,
	"batch_id" uuid NOT NULL,
	"loaded_by" text NOT NULL,
	"loaded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "tax_exchange_rates_currency_iso" CHECK ("tax_exchange_rates"."currency" ~ '^[A-Z]{3}$' and "tax_exchange_rates"."currency" <> 'CNY'),
	CONSTRAINT "tax_exchange_rates_rate_positive" CHECK ("tax_exchange_rates"."rate" > 0),
	CONSTRAINT "tax_exchange_rates_unit_positive" CHECK ("tax_exchange_rates"."unit" > 0),
	CONSTRAINT "tax_exchange_rates_quote_known" CHECK ("tax_exchange_rates"."quote" in ('CNY_PER_UNIT', 'UNIT_PER_CNY'))
);
--> statement-breakpoint
CREATE INDEX "tax_exchange_rates_lookup_idx" ON "tax_exchange_rates" USING btree ("currency","rate_date","id");