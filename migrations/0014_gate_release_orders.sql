CREATE SEQUENCE "public"."gate_order_version_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "gate_device_keys" (
	"device_id" text PRIMARY KEY NOT NULL,
	"public_key_pem" text NOT NULL,
	"replayed_seq" integer DEFAULT 0 NOT NULL,
	"replayed_hash" text NOT NULL,
	"registered_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gate_events" (
	"event_id" text PRIMARY KEY NOT NULL,
	"device_id" text NOT NULL,
	"port_code" text NOT NULL,
	"lane_code" text NOT NULL,
	"direction" text NOT NULL,
	"plate" text NOT NULL,
	"containers" jsonb NOT NULL,
	"weight_kg" numeric NOT NULL,
	"seal_state" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"request_hash" text NOT NULL,
	"decision" text NOT NULL,
	"reasons" jsonb NOT NULL,
	"release_order_id" uuid,
	"postings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"inspection_task_id" uuid,
	"source" text NOT NULL,
	"decided_at" timestamp with time zone NOT NULL,
	CONSTRAINT "gate_events_decision_ck" CHECK ("gate_events"."decision" in ('PASS', 'DIVERT'))
);
--> statement-breakpoint
CREATE TABLE "gate_lanes" (
	"code" text PRIMARY KEY NOT NULL,
	"port_code" text NOT NULL,
	"lane_no" integer NOT NULL,
	"kind" text NOT NULL,
	"name_zh" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gate_release_orders" (
	"id" uuid PRIMARY KEY NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"document_type" text NOT NULL,
	"document_id" text NOT NULL,
	"port_code" text NOT NULL,
	"plate" text NOT NULL,
	"containers" jsonb NOT NULL,
	"seals" jsonb NOT NULL,
	"expected_gross_weight_kg" numeric NOT NULL,
	"container_goods" jsonb,
	"valid_from" timestamp with time zone NOT NULL,
	"valid_to" timestamp with time zone NOT NULL,
	"reservation_ids" jsonb NOT NULL,
	"status" text NOT NULL,
	"passed_containers" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"held" boolean DEFAULT false NOT NULL,
	"content_hash" text NOT NULL,
	"version" bigint NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"cancel_reason" text,
	CONSTRAINT "gate_orders_status_ck" CHECK ("gate_release_orders"."status" in ('OPEN', 'PASSED', 'CANCELLED')),
	CONSTRAINT "gate_orders_window_ck" CHECK ("gate_release_orders"."valid_to" > "gate_release_orders"."valid_from"),
	CONSTRAINT "gate_orders_weight_ck" CHECK ("gate_release_orders"."expected_gross_weight_kg" > 0)
);
--> statement-breakpoint
CREATE TABLE "gate_replay_conflicts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"device_id" text NOT NULL,
	"event_id" text NOT NULL,
	"log_seq" integer NOT NULL,
	"kind" text NOT NULL,
	"detail" text NOT NULL,
	"release_order_id" uuid,
	"status" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"resolved_by" text,
	"resolved_at" timestamp with time zone,
	"resolution" text
);
--> statement-breakpoint
CREATE TABLE "inspection_evidence" (
	"id" uuid PRIMARY KEY NOT NULL,
	"task_id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"content" "bytea" NOT NULL,
	"uploaded_by" text NOT NULL,
	"uploaded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inspection_tasks" (
	"id" uuid PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"document_type" text NOT NULL,
	"document_id" text NOT NULL,
	"release_order_id" uuid,
	"port_code" text NOT NULL,
	"reasons" jsonb NOT NULL,
	"status" text NOT NULL,
	"assignee" text,
	"outcome" text,
	"attended" boolean,
	"corrections" jsonb,
	"disposition" text,
	"note" text,
	"content_hash" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	CONSTRAINT "inspection_tasks_status_ck" CHECK ("inspection_tasks"."status" in ('OPEN', 'ASSIGNED', 'IN_PROGRESS', 'COMPLETED')),
	CONSTRAINT "inspection_tasks_source_ck" CHECK ("inspection_tasks"."source" in ('RISK_SELECTION', 'GATE_DIVERT', 'OFFICER'))
);
--> statement-breakpoint
CREATE INDEX "gate_events_port_time_idx" ON "gate_events" USING btree ("port_code","occurred_at");--> statement-breakpoint
CREATE INDEX "gate_orders_plate_idx" ON "gate_release_orders" USING btree ("port_code","plate");--> statement-breakpoint
CREATE INDEX "gate_orders_document_idx" ON "gate_release_orders" USING btree ("document_type","document_id");--> statement-breakpoint
CREATE INDEX "gate_orders_version_idx" ON "gate_release_orders" USING btree ("version");--> statement-breakpoint
CREATE INDEX "gate_conflicts_status_idx" ON "gate_replay_conflicts" USING btree ("status");--> statement-breakpoint
CREATE INDEX "inspection_evidence_task_idx" ON "inspection_evidence" USING btree ("task_id");--> statement-breakpoint
CREATE INDEX "inspection_tasks_document_idx" ON "inspection_tasks" USING btree ("document_type","document_id");--> statement-breakpoint
CREATE INDEX "inspection_tasks_status_idx" ON "inspection_tasks" USING btree ("status","port_code");