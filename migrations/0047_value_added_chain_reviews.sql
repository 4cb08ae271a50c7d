ALTER TABLE "value_added_reviews" DROP CONSTRAINT "value_added_reviews_status_ck";--> statement-breakpoint
DROP INDEX "value_added_reviews_declaration_uq";--> statement-breakpoint
ALTER TABLE "value_added_number_uses" ALTER COLUMN "declaration_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "value_added_number_uses" ADD COLUMN "carried_by" text;--> statement-breakpoint
CREATE UNIQUE INDEX "value_added_number_uses_carried_uq" ON "value_added_number_uses" USING btree ("carried_by","number");--> statement-breakpoint
CREATE UNIQUE INDEX "value_added_reviews_declaration_uq" ON "value_added_reviews" USING btree ("declaration_id","line_index") WHERE "value_added_reviews"."status" = 'PENDING';--> statement-breakpoint
ALTER TABLE "value_added_number_uses" ADD CONSTRAINT "value_added_number_uses_by_ck" CHECK (("value_added_number_uses"."declaration_id" is null) <> ("value_added_number_uses"."carried_by" is null));--> statement-breakpoint
ALTER TABLE "value_added_reviews" ADD CONSTRAINT "value_added_reviews_status_ck" CHECK ("value_added_reviews"."status" in ('PENDING', 'APPROVED', 'REJECTED', 'CLOSED'));