CREATE TABLE "pay_bill_states" (
	"bill_id" uuid PRIMARY KEY NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"declaration_id" uuid NOT NULL,
	"state" text NOT NULL,
	"total" numeric(18, 2) NOT NULL,
	"due_date" date NOT NULL,
	"due_parameter_version" bigint,
	"guarantee_reference" text,
	"guaranteed_until" date,
	"paid_at" timestamp with time zone,
	"payment_notice_id" text,
	"overdue_at" timestamp with time zone,
	"credit_input_id" uuid,
	"credit_fed_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	"audit_seq" bigint NOT NULL,
	CONSTRAINT "pay_bill_states_state_ck" CHECK ("pay_bill_states"."state" in ('UNPAID', 'GUARANTEED', 'PAID', 'OVERDUE'))
);
--> statement-breakpoint
CREATE TABLE "pay_alerts" (
	"bill_id" uuid PRIMARY KEY NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"due_date" date NOT NULL,
	"detail" text NOT NULL,
	"raised_at" timestamp with time zone NOT NULL,
	"audit_seq" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pay_notices" (
	"department" text NOT NULL,
	"notice_id" text NOT NULL,
	"bill_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"amount" numeric(18, 2) NOT NULL,
	"reference" text,
	"valid_until" date,
	"content_hash" text NOT NULL,
	"from_state" text NOT NULL,
	"to_state" text NOT NULL,
	"received_by" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"audit_seq" bigint NOT NULL,
	CONSTRAINT "pay_notices_department_notice_id_pk" PRIMARY KEY("department","notice_id"),
	CONSTRAINT "pay_notices_kind_ck" CHECK ("pay_notices"."kind" in ('PAYMENT', 'GUARANTEE'))
);
--> statement-breakpoint
CREATE INDEX "pay_bill_states_enterprise_idx" ON "pay_bill_states" USING btree ("enterprise_id","state");--> statement-breakpoint
CREATE INDEX "pay_alerts_enterprise_idx" ON "pay_alerts" USING btree ("enterprise_id","raised_at");--> statement-breakpoint
CREATE INDEX "pay_notices_bill_idx" ON "pay_notices" USING btree ("bill_id");