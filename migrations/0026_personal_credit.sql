CREATE TABLE "personal_credit_records" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_hash" text NOT NULL,
	"id_type" text NOT NULL,
	"code" text NOT NULL,
	"kind" text NOT NULL,
	"points" integer NOT NULL,
	"occurred_on" date NOT NULL,
	"counts_until" date,
	"reason" text NOT NULL,
	"source" text NOT NULL,
	"source_ref" text NOT NULL,
	"parameter_version" integer NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"audit_seq" bigint NOT NULL,
	"withdrawn_on" date,
	"withdraw_reason" text,
	"withdrawn_by" text,
	CONSTRAINT "personal_credit_records_kind_ck" CHECK ("personal_credit_records"."kind" in ('VIOLATION', 'BAN', 'PENALTY', 'GOOD_CONDUCT')),
	CONSTRAINT "personal_credit_records_points_ck" CHECK ("personal_credit_records"."points" between -100 and 100),
	CONSTRAINT "personal_credit_records_until_ck" CHECK ("personal_credit_records"."counts_until" is null or "personal_credit_records"."counts_until" > "personal_credit_records"."occurred_on"),
	CONSTRAINT "personal_credit_records_withdrawal_ck" CHECK (("personal_credit_records"."withdrawn_on" is null) = ("personal_credit_records"."withdraw_reason" is null) and ("personal_credit_records"."withdrawn_on" is null) = ("personal_credit_records"."withdrawn_by" is null))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "personal_credit_records_source_uq" ON "personal_credit_records" USING btree ("source_ref");--> statement-breakpoint
CREATE INDEX "personal_credit_records_person_idx" ON "personal_credit_records" USING btree ("person_hash","occurred_on");