CREATE TABLE "licence_uses" (
	"id" uuid PRIMARY KEY NOT NULL,
	"licence_id" uuid NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"hs_code" text NOT NULL,
	"quantity" numeric(20, 6) NOT NULL,
	"used_on" date NOT NULL,
	"reference" text,
	"content_hash" text NOT NULL,
	"audit_seq" bigint NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "licence_uses_quantity_ck" CHECK ("licence_uses"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "licences" (
	"id" uuid PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"licence_type" text NOT NULL,
	"holder_enterprise_id" uuid NOT NULL,
	"goods" text NOT NULL,
	"hs_prefixes" jsonb NOT NULL,
	"unit" text NOT NULL,
	"quantity" numeric(20, 6) NOT NULL,
	"used" numeric(20, 6) DEFAULT '0' NOT NULL,
	"valid_from" date NOT NULL,
	"valid_until" date NOT NULL,
	"status" text NOT NULL,
	"issuer" text NOT NULL,
	"version" integer NOT NULL,
	"content_hash" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "licences_used_ck" CHECK ("licences"."used" >= 0 and "licences"."used" <= "licences"."quantity"),
	CONSTRAINT "licences_quantity_ck" CHECK ("licences"."quantity" > 0),
	CONSTRAINT "licences_validity_ck" CHECK ("licences"."valid_until" >= "licences"."valid_from"),
	CONSTRAINT "licences_status_ck" CHECK ("licences"."status" in ('ACTIVE', 'REVOKED'))
);
--> statement-breakpoint
CREATE TABLE "restricted_goods" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"entry_key" text NOT NULL,
	"hs_prefix" text,
	"keywords" jsonb NOT NULL,
	"measure" text NOT NULL,
	"licence_type" text,
	"direction" text NOT NULL,
	"valid_from" date NOT NULL,
	"valid_to" date,
	"description" text NOT NULL,
	"legal_basis" text,
	"source" text NOT NULL,
	"batch_id" uuid NOT NULL,
	"loaded_by" text NOT NULL,
	"loaded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "restricted_goods_measure_ck" CHECK ("restricted_goods"."measure" in ('PROHIBITED', 'RESTRICTED')),
	CONSTRAINT "restricted_goods_direction_ck" CHECK ("restricted_goods"."direction" in ('IMPORT', 'EXPORT', 'BOTH')),
	CONSTRAINT "restricted_goods_prefix_ck" CHECK ("restricted_goods"."hs_prefix" is null or "restricted_goods"."hs_prefix" ~ '^[0-9]{2,10}$')
);
--> statement-breakpoint
CREATE TABLE "origin_certificates" (
	"id" uuid PRIMARY KEY NOT NULL,
	"agreement" text NOT NULL,
	"number" text NOT NULL,
	"origin_country" text NOT NULL,
	"exporter" text NOT NULL,
	"importer_enterprise_id" uuid,
	"goods" jsonb NOT NULL,
	"issued_on" date NOT NULL,
	"valid_until" date NOT NULL,
	"status" text NOT NULL,
	"source" text NOT NULL,
	"recorded_by" text NOT NULL,
	"version" integer NOT NULL,
	"content_hash" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "origin_certificates_status_ck" CHECK ("origin_certificates"."status" in ('VALID', 'REVOKED')),
	CONSTRAINT "origin_certificates_source_ck" CHECK ("origin_certificates"."source" in ('DEPARTMENT', 'ENTERED')),
	CONSTRAINT "origin_certificates_validity_ck" CHECK ("origin_certificates"."valid_until" >= "origin_certificates"."issued_on"),
	CONSTRAINT "origin_certificates_country_ck" CHECK ("origin_certificates"."origin_country" ~ '^[A-Z]{2}$')
);
--> statement-breakpoint
CREATE INDEX "licence_uses_licence_idx" ON "licence_uses" USING btree ("licence_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "licences_number_uq" ON "licences" USING btree ("number");--> statement-breakpoint
CREATE INDEX "licences_holder_idx" ON "licences" USING btree ("holder_enterprise_id");--> statement-breakpoint
CREATE INDEX "restricted_goods_key_idx" ON "restricted_goods" USING btree ("entry_key","id");--> statement-breakpoint
CREATE UNIQUE INDEX "origin_certificates_number_uq" ON "origin_certificates" USING btree ("agreement","number");--> statement-breakpoint
CREATE INDEX "origin_certificates_importer_idx" ON "origin_certificates" USING btree ("importer_enterprise_id");--> statement-breakpoint
-- The restricted goods list and licence write-offs are append-only: a screening or a write-off can
-- always show the entry and the use it relied on (tidegate_refuse_change comes from the audit migration).
CREATE TRIGGER restricted_goods_append_only BEFORE UPDATE OR DELETE ON "restricted_goods"
  FOR EACH ROW EXECUTE FUNCTION tidegate_refuse_change();
--> statement-breakpoint
CREATE TRIGGER licence_uses_append_only BEFORE UPDATE OR DELETE ON "licence_uses"
  FOR EACH ROW EXECUTE FUNCTION tidegate_refuse_change();
