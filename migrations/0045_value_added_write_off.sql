CREATE TABLE "value_added_number_uses" (
	"id" uuid PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"declaration_id" uuid NOT NULL,
	"line_index" integer NOT NULL,
	"quantity" numeric(28, 6) NOT NULL,
	"used_at" timestamp with time zone NOT NULL,
	"returned_at" timestamp with time zone,
	"audit_seq" bigint NOT NULL,
	CONSTRAINT "value_added_number_uses_quantity_ck" CHECK ("value_added_number_uses"."quantity" > 0)
);
--> statement-breakpoint
ALTER TABLE "value_added_cumulative_numbers" ADD COLUMN "quantity_used" numeric(28, 6) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "value_added_reviews" ADD COLUMN "declaration_id" uuid;--> statement-breakpoint
ALTER TABLE "value_added_reviews" ADD COLUMN "line_index" integer;--> statement-breakpoint
CREATE UNIQUE INDEX "value_added_number_uses_line_uq" ON "value_added_number_uses" USING btree ("declaration_id","line_index","number");--> statement-breakpoint
CREATE INDEX "value_added_number_uses_number_idx" ON "value_added_number_uses" USING btree ("number");--> statement-breakpoint
CREATE UNIQUE INDEX "value_added_reviews_declaration_uq" ON "value_added_reviews" USING btree ("declaration_id","line_index");--> statement-breakpoint
ALTER TABLE "value_added_cumulative_numbers" ADD CONSTRAINT "value_added_cumulative_numbers_used_ck" CHECK ("value_added_cumulative_numbers"."quantity_used" >= 0 and "value_added_cumulative_numbers"."quantity_used" <= "value_added_cumulative_numbers"."quantity");