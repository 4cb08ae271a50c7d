CREATE TABLE "joint_control_cases" (
	"id" uuid PRIMARY KEY NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"declaration_id" uuid NOT NULL,
	"uscc" text NOT NULL,
	"enterprise_name" text NOT NULL,
	"declaration_kind" text NOT NULL,
	"port" text NOT NULL,
	"business_date" date NOT NULL,
	"goods" jsonb NOT NULL,
	"total_value" numeric(18, 2) NOT NULL,
	"grounds" jsonb NOT NULL,
	"state" text NOT NULL,
	"policy_version" integer NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"closed_by" text,
	"close_reason" text,
	"audit_seq" bigint NOT NULL,
	CONSTRAINT "joint_control_cases_state_ck" CHECK ("joint_control_cases"."state" in ('OPEN', 'ACKNOWLEDGED', 'OUTCOME_REPORTED', 'CLOSED')),
	CONSTRAINT "joint_control_cases_closed_ck" CHECK (("joint_control_cases"."state" = 'CLOSED') = ("joint_control_cases"."closed_at" is not null))
);
--> statement-breakpoint
CREATE TABLE "joint_control_feed" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"department" text NOT NULL,
	"case_id" uuid NOT NULL,
	"type" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "joint_control_feed_type_ck" CHECK ("joint_control_feed"."type" in ('CASE_OPENED', 'CASE_CLOSED'))
);
--> statement-breakpoint
CREATE TABLE "joint_control_shares" (
	"case_id" uuid NOT NULL,
	"department" text NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"state" text NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" text,
	"acknowledge_note" text,
	"outcome" text,
	"outcome_reference" text,
	"outcome_summary" text,
	"outcome_at" timestamp with time zone,
	"outcome_by" text,
	CONSTRAINT "joint_control_shares_case_id_department_pk" PRIMARY KEY("case_id","department"),
	CONSTRAINT "joint_control_shares_state_ck" CHECK ("joint_control_shares"."state" in ('OPEN', 'ACKNOWLEDGED', 'OUTCOME_REPORTED')),
	CONSTRAINT "joint_control_shares_outcome_ck" CHECK (("joint_control_shares"."state" = 'OUTCOME_REPORTED') = ("joint_control_shares"."outcome" is not null) and ("joint_control_shares"."state" = 'OPEN') = ("joint_control_shares"."acknowledged_at" is null))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "joint_control_cases_decision_uq" ON "joint_control_cases" USING btree ("enterprise_id","declaration_id");--> statement-breakpoint
CREATE INDEX "joint_control_cases_opened_idx" ON "joint_control_cases" USING btree ("opened_at");--> statement-breakpoint
CREATE INDEX "joint_control_cases_state_idx" ON "joint_control_cases" USING btree ("state","opened_at");--> statement-breakpoint
CREATE INDEX "joint_control_feed_department_idx" ON "joint_control_feed" USING btree ("department","seq");--> statement-breakpoint
CREATE INDEX "joint_control_shares_department_idx" ON "joint_control_shares" USING btree ("department","state");