CREATE TABLE "decl_batch_facilities" (
	"enterprise_id" uuid PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"reason" text NOT NULL,
	"period" text,
	"changed_at" timestamp with time zone NOT NULL,
	"changed_by" text NOT NULL,
	CONSTRAINT "decl_batch_facilities_status_ck" CHECK ("decl_batch_facilities"."status" in ('ACTIVE', 'SUSPENDED'))
);
--> statement-breakpoint
CREATE TABLE "decl_alerts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"period" text NOT NULL,
	"due_date" date NOT NULL,
	"detail" text NOT NULL,
	"raised_at" timestamp with time zone NOT NULL,
	"audit_seq" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "decl_serials" (
	"kind" text NOT NULL,
	"scope" text NOT NULL,
	"last" integer NOT NULL,
	CONSTRAINT "decl_serials_kind_scope_pk" PRIMARY KEY("kind","scope")
);
--> statement-breakpoint
CREATE TABLE "decl_transitions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"declaration_id" uuid NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"from_state" text,
	"to_state" text NOT NULL,
	"reason" text NOT NULL,
	"rule" text NOT NULL,
	"actor" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"audit_seq" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "decl_declarations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"request_id" text NOT NULL,
	"request_hash" text NOT NULL,
	"version" integer NOT NULL,
	"root_id" uuid NOT NULL,
	"previous_id" uuid,
	"state" text NOT NULL,
	"state_reason" text NOT NULL,
	"book_id" uuid,
	"regime" text,
	"port_code" text NOT NULL,
	"business_date" date NOT NULL,
	"period" text,
	"form" text NOT NULL,
	"lines" text NOT NULL,
	"taxes" text,
	"risk" text,
	"reservation_id" uuid,
	"release_order_id" uuid,
	"inspection_task_id" uuid,
	"centralized_id" uuid,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "decl_declarations_kind_ck" CHECK ("decl_declarations"."kind" in ('SECOND_LINE_EXIT', 'BATCH_EXIT', 'CENTRALIZED_DECLARATION')),
	CONSTRAINT "decl_declarations_state_ck" CHECK ("decl_declarations"."state" in ('SUBMITTED', 'ACCEPTED', 'HELD', 'REJECTED', 'RELEASED', 'EXITED', 'CANCELLED', 'AMENDED')),
	CONSTRAINT "decl_declarations_version_ck" CHECK ("decl_declarations"."version" >= 1 and ("decl_declarations"."version" = 1) = ("decl_declarations"."previous_id" is null))
);
--> statement-breakpoint
CREATE TABLE "decl_processed_events" (
	"event_id" bigint PRIMARY KEY NOT NULL,
	"event_type" text NOT NULL,
	"processed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "decl_tax_bills" (
	"id" uuid PRIMARY KEY NOT NULL,
	"bill_no" text NOT NULL,
	"declaration_id" uuid NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"cause" text NOT NULL,
	"duty" numeric(18, 2) NOT NULL,
	"consumption_tax" numeric(18, 2) NOT NULL,
	"vat" numeric(18, 2) NOT NULL,
	"total" numeric(18, 2) NOT NULL,
	"figures" text NOT NULL,
	"business_date" date NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"audit_seq" bigint NOT NULL,
	CONSTRAINT "decl_tax_bills_kind_ck" CHECK ("decl_tax_bills"."kind" in ('ORIGINAL', 'SUPPLEMENTARY')),
	CONSTRAINT "decl_tax_bills_nonneg_ck" CHECK ("decl_tax_bills"."duty" >= 0 and "decl_tax_bills"."consumption_tax" >= 0 and "decl_tax_bills"."vat" >= 0 and "decl_tax_bills"."total" = "decl_tax_bills"."duty" + "decl_tax_bills"."consumption_tax" + "decl_tax_bills"."vat")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "decl_alerts_uq" ON "decl_alerts" USING btree ("enterprise_id","kind","period");--> statement-breakpoint
CREATE INDEX "decl_transitions_declaration_idx" ON "decl_transitions" USING btree ("declaration_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "decl_declarations_request_uq" ON "decl_declarations" USING btree ("enterprise_id","request_id");--> statement-breakpoint
CREATE INDEX "decl_declarations_enterprise_idx" ON "decl_declarations" USING btree ("enterprise_id","created_at");--> statement-breakpoint
CREATE INDEX "decl_declarations_state_idx" ON "decl_declarations" USING btree ("state","created_at");--> statement-breakpoint
CREATE INDEX "decl_declarations_period_idx" ON "decl_declarations" USING btree ("enterprise_id","kind","period");--> statement-breakpoint
CREATE INDEX "decl_declarations_root_idx" ON "decl_declarations" USING btree ("root_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "decl_tax_bills_no_uq" ON "decl_tax_bills" USING btree ("bill_no");--> statement-breakpoint
CREATE INDEX "decl_tax_bills_enterprise_idx" ON "decl_tax_bills" USING btree ("enterprise_id","issued_at");--> statement-breakpoint
CREATE INDEX "decl_tax_bills_declaration_idx" ON "decl_tax_bills" USING btree ("declaration_id");