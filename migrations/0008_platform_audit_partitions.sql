CREATE SEQUENCE "public"."audit_entries_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "audit_anchor_heads" (
	"anchor_seq" bigint NOT NULL,
	"partition" integer NOT NULL,
	"pseq" bigint NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "audit_anchor_heads_partition_anchor_seq_pk" PRIMARY KEY("partition","anchor_seq")
);
--> statement-breakpoint
CREATE TABLE "audit_anchors" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"partition_count" integer NOT NULL,
	"root" text NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_heads" (
	"partition" integer PRIMARY KEY NOT NULL,
	"pseq" bigint NOT NULL,
	"hash" text NOT NULL,
	"seq" bigint,
	CONSTRAINT "audit_heads_pseq" CHECK ("audit_heads"."pseq" >= 0)
);
--> statement-breakpoint
CREATE TABLE "audit_partitioning" (
	"id" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"partitions" integer NOT NULL,
	"chosen_at" timestamp with time zone NOT NULL,
	CONSTRAINT "audit_partitioning_one_row" CHECK ("audit_partitioning"."id"),
	CONSTRAINT "audit_partitioning_range" CHECK ("audit_partitioning"."partitions" between 1 and 1024)
);
--> statement-breakpoint
ALTER TABLE "audit_entries" ADD COLUMN "partition" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_entries" ADD COLUMN "pseq" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_entries" ADD COLUMN "format" smallint DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox_events" ADD COLUMN "tx_id" "xid8";--> statement-breakpoint
CREATE INDEX "audit_anchor_heads_covering_idx" ON "audit_anchor_heads" USING btree ("partition","pseq");