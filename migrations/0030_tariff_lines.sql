CREATE TABLE "tariff_lines" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"description" text NOT NULL,
	"unit" text NOT NULL,
	"valid_from" date NOT NULL,
	"valid_to" date,
	"mfn_rate" numeric(12, 6) NOT NULL,
	"mfn_per_unit" numeric(18, 6),
	"general_rate" numeric(12, 6) NOT NULL,
	"general_per_unit" numeric(18, 6),
	"provisional_rate" numeric(12, 6),
	"provisional_per_unit" numeric(18, 6),
	"provisional_to" date,
	"conventional" jsonb NOT NULL,
	"consumption_tax_rate" numeric(12, 6),
	"consumption_tax_per_unit" numeric(18, 6),
	"vat_rate" numeric(12, 6) NOT NULL,
	"source" text NOT NULL,
	"batch_id" uuid NOT NULL,
	"loaded_by" text NOT NULL,
	"loaded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "tariff_lines_code_ck" CHECK ("tariff_lines"."code" ~ '^[0-9]{10}$'),
	CONSTRAINT "tariff_lines_valid_to_ck" CHECK ("tariff_lines"."valid_to" is null or "tariff_lines"."valid_to" > "tariff_lines"."valid_from"),
	CONSTRAINT "tariff_lines_rates_ck" CHECK ("tariff_lines"."mfn_rate" >= 0 and "tariff_lines"."general_rate" >= 0 and "tariff_lines"."vat_rate" >= 0 and "tariff_lines"."vat_rate" < 1)
);
--> statement-breakpoint
CREATE INDEX "tariff_lines_code_idx" ON "tariff_lines" USING btree ("code","valid_from","id");