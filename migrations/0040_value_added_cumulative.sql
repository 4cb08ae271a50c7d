CREATE TABLE "value_added_cumulative_numbers" (
	"number" text PRIMARY KEY NOT NULL,
	"transfer_document_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"upstream_enterprise_id" uuid NOT NULL,
	"upstream_book_id" uuid NOT NULL,
	"downstream_enterprise_id" uuid NOT NULL,
	"downstream_book_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	"quantity" numeric(28, 6) NOT NULL,
	"sale_price" numeric(18, 2) NOT NULL,
	"imported_cny" numeric(18, 2) NOT NULL,
	"domestic_cny" numeric(18, 2) NOT NULL,
	"hainan_made_cny" numeric(18, 2) NOT NULL,
	"ratio" text NOT NULL,
	"business_date" date NOT NULL,
	"issued_by" text NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"audit_seq" bigint NOT NULL,
	CONSTRAINT "value_added_cumulative_numbers_quantity_ck" CHECK ("value_added_cumulative_numbers"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "value_added_evidence" (
	"id" uuid PRIMARY KEY NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"reference" text NOT NULL,
	"file_name" text NOT NULL,
	"media_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"description" text,
	"uploaded_by" text NOT NULL,
	"uploaded_at" timestamp with time zone NOT NULL,
	"audit_seq" bigint NOT NULL,
	CONSTRAINT "value_added_evidence_kind_ck" CHECK ("value_added_evidence"."kind" in ('INVOICE', 'WORK_HOURS', 'ENERGY', 'OTHER')),
	CONSTRAINT "value_added_evidence_sha_ck" CHECK ("value_added_evidence"."sha256" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
CREATE TABLE "value_added_reviews" (
	"id" uuid PRIMARY KEY NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"book_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	"ratio" text NOT NULL,
	"threshold" text NOT NULL,
	"band_upper" text NOT NULL,
	"figures" jsonb NOT NULL,
	"evidence_ids" jsonb NOT NULL,
	"status" text NOT NULL,
	"requested_by" text NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"reason" text,
	CONSTRAINT "value_added_reviews_status_ck" CHECK ("value_added_reviews"."status" in ('PENDING', 'APPROVED', 'REJECTED'))
);
--> statement-breakpoint
CREATE TABLE "value_added_serials" (
	"scope" text NOT NULL,
	"last" integer NOT NULL,
	CONSTRAINT "value_added_serials_scope_pk" PRIMARY KEY("scope")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "value_added_cumulative_numbers_line_uq" ON "value_added_cumulative_numbers" USING btree ("transfer_document_id","line_no");--> statement-breakpoint
CREATE INDEX "value_added_cumulative_numbers_downstream_idx" ON "value_added_cumulative_numbers" USING btree ("downstream_enterprise_id");--> statement-breakpoint
CREATE INDEX "value_added_evidence_enterprise_idx" ON "value_added_evidence" USING btree ("enterprise_id","reference");--> statement-breakpoint
CREATE INDEX "value_added_reviews_status_idx" ON "value_added_reviews" USING btree ("status","requested_at");--> statement-breakpoint
CREATE INDEX "value_added_reviews_enterprise_idx" ON "value_added_reviews" USING btree ("enterprise_id");
