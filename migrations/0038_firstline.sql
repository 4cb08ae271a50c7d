CREATE TABLE "firstline_bills" (
	"id" uuid PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"declaration_id" uuid NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"duty" numeric(18, 2) NOT NULL,
	"consumption_tax" numeric(18, 2) NOT NULL,
	"vat" numeric(18, 2) NOT NULL,
	"total" numeric(18, 2) NOT NULL,
	"lines" jsonb NOT NULL,
	"parameter_versions" jsonb NOT NULL,
	"issued_on" date NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	CONSTRAINT "firstline_bills_amounts_ck" CHECK ("firstline_bills"."duty" >= 0 and "firstline_bills"."consumption_tax" >= 0 and "firstline_bills"."vat" >= 0)
);
--> statement-breakpoint
CREATE TABLE "firstline_declarations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"request_id" uuid NOT NULL,
	"content_hash" text NOT NULL,
	"direction" text NOT NULL,
	"port" text NOT NULL,
	"declaration_date" date NOT NULL,
	"book_id" uuid,
	"direct_release" text DEFAULT 'NO' NOT NULL,
	"state" text NOT NULL,
	"state_reason" text NOT NULL,
	"body" jsonb NOT NULL,
	"lines" jsonb NOT NULL,
	"taxes" jsonb,
	"risk" jsonb,
	"ledger_document_id" uuid,
	"direct_release_id" uuid,
	"decided_by" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "firstline_declarations_direction_ck" CHECK ("firstline_declarations"."direction" in ('IMPORT', 'EXPORT')),
	CONSTRAINT "firstline_declarations_state_ck" CHECK ("firstline_declarations"."state" in ('HELD', 'RELEASED', 'REJECTED'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "firstline_bills_number_uq" ON "firstline_bills" USING btree ("number");--> statement-breakpoint
CREATE UNIQUE INDEX "firstline_bills_declaration_uq" ON "firstline_bills" USING btree ("declaration_id");--> statement-breakpoint
CREATE INDEX "firstline_bills_enterprise_idx" ON "firstline_bills" USING btree ("enterprise_id","issued_at");--> statement-breakpoint
CREATE UNIQUE INDEX "firstline_declarations_request_uq" ON "firstline_declarations" USING btree ("enterprise_id","request_id");--> statement-breakpoint
CREATE INDEX "firstline_declarations_state_idx" ON "firstline_declarations" USING btree ("state","created_at");--> statement-breakpoint
CREATE INDEX "firstline_declarations_enterprise_idx" ON "firstline_declarations" USING btree ("enterprise_id","created_at");--> statement-breakpoint
-- A bill is never edited: a correction is a new bill (tidegate_refuse_change comes from the audit migration).
CREATE TRIGGER firstline_bills_append_only BEFORE UPDATE OR DELETE ON "firstline_bills"
  FOR EACH ROW EXECUTE FUNCTION tidegate_refuse_change();
