CREATE TABLE "licence_returns" (
	"use_id" uuid PRIMARY KEY NOT NULL,
	"licence_id" uuid NOT NULL,
	"quantity" numeric(20, 6) NOT NULL,
	"reason" text NOT NULL,
	"reference" text,
	"audit_seq" bigint NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "licence_returns_quantity_ck" CHECK ("licence_returns"."quantity" > 0)
);
--> statement-breakpoint
CREATE INDEX "licence_returns_licence_idx" ON "licence_returns" USING btree ("licence_id","created_at");--> statement-breakpoint
-- A give-back is final, like the write-off it returns: append-only.
CREATE TRIGGER licence_returns_append_only BEFORE UPDATE OR DELETE ON "licence_returns"
  FOR EACH ROW EXECUTE FUNCTION tidegate_refuse_change();
