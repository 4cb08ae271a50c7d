CREATE TABLE "dutyfree_ring_cases" (
	"id" uuid PRIMARY KEY NOT NULL,
	"proposal" text NOT NULL,
	"ring_id" uuid,
	"buyer_ids" jsonb NOT NULL,
	"entry_ids" jsonb NOT NULL,
	"note" text NOT NULL,
	"status" text NOT NULL,
	"proposed_by" text NOT NULL,
	"proposed_at" timestamp with time zone NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"decision_note" text,
	"effects" jsonb,
	CONSTRAINT "dutyfree_ring_cases_proposal_ck" CHECK ("dutyfree_ring_cases"."proposal" in ('CONFIRM', 'CLEAR')),
	CONSTRAINT "dutyfree_ring_cases_status_ck" CHECK ("dutyfree_ring_cases"."status" in ('PROPOSED', 'APPROVED', 'REJECTED')),
	CONSTRAINT "dutyfree_ring_cases_four_eyes_ck" CHECK ("dutyfree_ring_cases"."decided_by" is null or "dutyfree_ring_cases"."decided_by" <> "dutyfree_ring_cases"."proposed_by"),
	CONSTRAINT "dutyfree_ring_cases_decided_ck" CHECK (("dutyfree_ring_cases"."status" = 'PROPOSED') = ("dutyfree_ring_cases"."decided_by" is null))
);
--> statement-breakpoint
CREATE TABLE "dutyfree_ring_members" (
	"ring_id" uuid NOT NULL,
	"buyer_id" uuid NOT NULL,
	"score" integer NOT NULL,
	"parts" jsonb NOT NULL,
	"facts" jsonb NOT NULL,
	CONSTRAINT "dutyfree_ring_members_ring_id_buyer_id_pk" PRIMARY KEY("ring_id","buyer_id")
);
--> statement-breakpoint
CREATE TABLE "dutyfree_ring_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"window_from" date NOT NULL,
	"window_to" date NOT NULL,
	"parameter_version" integer NOT NULL,
	"stats" jsonb NOT NULL,
	"rings" integer NOT NULL,
	"yellow" integer NOT NULL,
	"run_by" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dutyfree_rings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"run_id" uuid NOT NULL,
	"score" integer NOT NULL,
	"behaviour" integer NOT NULL,
	"structure" integer NOT NULL,
	"size" integer NOT NULL,
	"parts" jsonb NOT NULL,
	"links" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dutyfree_sale_reviews" (
	"reservation_id" uuid PRIMARY KEY NOT NULL,
	"buyer_id" uuid NOT NULL,
	"shop_code" text NOT NULL,
	"level" text NOT NULL,
	"score" integer NOT NULL,
	"status" text NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"reviewed_by" text,
	"reviewed_at" timestamp with time zone,
	"outcome" text,
	"note" text,
	CONSTRAINT "dutyfree_sale_reviews_status_ck" CHECK ("dutyfree_sale_reviews"."status" in ('OPEN', 'DONE')),
	CONSTRAINT "dutyfree_sale_reviews_outcome_ck" CHECK (("dutyfree_sale_reviews"."status" = 'DONE') = ("dutyfree_sale_reviews"."outcome" is not null) and ("dutyfree_sale_reviews"."outcome" is null or "dutyfree_sale_reviews"."outcome" in ('NORMAL', 'SUSPECT')))
);
--> statement-breakpoint
CREATE TABLE "dutyfree_yellow_list" (
	"id" uuid PRIMARY KEY NOT NULL,
	"buyer_id" uuid NOT NULL,
	"ring_id" uuid,
	"ring_score" integer,
	"score" integer NOT NULL,
	"parts" jsonb NOT NULL,
	"status" text NOT NULL,
	"first_run_id" uuid NOT NULL,
	"last_run_id" uuid NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"case_id" uuid,
	"closed_at" timestamp with time zone,
	CONSTRAINT "dutyfree_yellow_status_ck" CHECK ("dutyfree_yellow_list"."status" in ('OPEN', 'PROPOSED', 'CLEARED', 'CONFIRMED')),
	CONSTRAINT "dutyfree_yellow_closed_ck" CHECK (("dutyfree_yellow_list"."status" in ('CLEARED', 'CONFIRMED')) = ("dutyfree_yellow_list"."closed_at" is not null))
);
--> statement-breakpoint
CREATE INDEX "dutyfree_ring_cases_status_idx" ON "dutyfree_ring_cases" USING btree ("status","proposed_at");--> statement-breakpoint
CREATE INDEX "dutyfree_ring_members_buyer_idx" ON "dutyfree_ring_members" USING btree ("buyer_id");--> statement-breakpoint
CREATE INDEX "dutyfree_rings_run_idx" ON "dutyfree_rings" USING btree ("run_id","score");--> statement-breakpoint
CREATE INDEX "dutyfree_sale_reviews_status_idx" ON "dutyfree_sale_reviews" USING btree ("status","opened_at");--> statement-breakpoint
CREATE UNIQUE INDEX "dutyfree_yellow_open_uq" ON "dutyfree_yellow_list" USING btree ("buyer_id") WHERE "dutyfree_yellow_list"."status" in ('OPEN', 'PROPOSED');--> statement-breakpoint
CREATE INDEX "dutyfree_yellow_status_idx" ON "dutyfree_yellow_list" USING btree ("status","score");--> statement-breakpoint
CREATE INDEX "dutyfree_yellow_ring_idx" ON "dutyfree_yellow_list" USING btree ("ring_id");