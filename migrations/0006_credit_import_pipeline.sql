CREATE TABLE "credit_imports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"file_digest" text NOT NULL,
	"file_name" text NOT NULL,
	"total_lines" integer NOT NULL,
	"lines_done" integer NOT NULL,
	"inputs_imported" integer NOT NULL,
	"lines_skipped" integer NOT NULL,
	"status" text NOT NULL,
	"started_by" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "credit_imports_status" CHECK ("credit_imports"."status" in ('RUNNING', 'DONE'))
);
--> statement-breakpoint
CREATE TABLE "credit_pending" (
	"subject_id" uuid PRIMARY KEY NOT NULL,
	"subject_kind" text NOT NULL,
	"subject_code" text NOT NULL,
	"cause" text NOT NULL,
	"queued_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
DROP INDEX "credit_classes_next_change_idx";--> statement-breakpoint
ALTER TABLE "credit_class_changes" ADD COLUMN "audit_seq" bigint;--> statement-breakpoint
ALTER TABLE "credit_classes" ADD COLUMN "next_review" date;--> statement-breakpoint
ALTER TABLE "credit_inputs" ADD COLUMN "audit_seq" bigint;--> statement-breakpoint
ALTER TABLE "credit_withdrawals" ADD COLUMN "audit_seq" bigint;--> statement-breakpoint
ALTER TABLE "webhook_subscriptions" ADD COLUMN "lease_until" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "credit_imports_digest_idx" ON "credit_imports" USING btree ("file_digest");--> statement-breakpoint
CREATE INDEX "credit_class_changes_audit_seq_idx" ON "credit_class_changes" USING btree ("audit_seq");--> statement-breakpoint
CREATE INDEX "credit_classes_next_review_idx" ON "credit_classes" USING btree ("next_review");--> statement-breakpoint
CREATE INDEX "credit_inputs_audit_seq_idx" ON "credit_inputs" USING btree ("audit_seq");--> statement-breakpoint
ALTER TABLE "credit_classes" ADD CONSTRAINT "credit_classes_class" CHECK ("credit_classes"."class" in ('FOCUS', 'WHITELIST', 'ADVANCED_CERTIFIED') and ("credit_classes"."subject_kind" = 'ENTERPRISE' or "credit_classes"."class" <> 'ADVANCED_CERTIFIED'));--> statement-breakpoint
ALTER TABLE "credit_inputs" ADD CONSTRAINT "credit_inputs_subject_kind" CHECK ("credit_inputs"."subject_kind" in ('ENTERPRISE', 'INDIVIDUAL'));--> statement-breakpoint
ALTER TABLE "credit_inputs" ADD CONSTRAINT "credit_inputs_shape" CHECK (("credit_inputs"."type" = 'SECTOR_RATING' and "credit_inputs"."department" is not null and "credit_inputs"."level" is not null and "credit_inputs"."is_lowest_level" is not null and "credit_inputs"."event_kind" is null and "credit_inputs"."aeo_action" is null)
       or ("credit_inputs"."type" = 'EVENT' and "credit_inputs"."event_kind" in ('SMUGGLING_PENALTY', 'SERIOUS_DISHONESTY_LISTING', 'OTHER_LEGAL_LISTING') and "credit_inputs"."department" is null and "credit_inputs"."aeo_action" is null)
       or ("credit_inputs"."type" = 'AEO' and "credit_inputs"."subject_kind" = 'ENTERPRISE' and "credit_inputs"."aeo_action" in ('GRANTED', 'REVOKED', 'SUSPENDED') and "credit_inputs"."department" is null and "credit_inputs"."event_kind" is null));