-- Idempotency claims with a lease renewed by their process and a commit mark set in the command's
-- transaction (platform/http/idempotency.ts); failed logins per user name and per address (auth/throttle.ts).
CREATE TABLE "login_throttle" (
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"failures" integer NOT NULL,
	"window_started_at" timestamp with time zone NOT NULL,
	"locked_until" timestamp with time zone,
	"lockouts" integer DEFAULT 0 NOT NULL,
	"last_failure_at" timestamp with time zone NOT NULL,
	CONSTRAINT "login_throttle_kind_key_pk" PRIMARY KEY("kind","key")
);
--> statement-breakpoint
ALTER TABLE "idempotency_records" ADD COLUMN "owner" text;--> statement-breakpoint
ALTER TABLE "idempotency_records" ADD COLUMN "lease_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "idempotency_records" ADD COLUMN "committed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "idempotency_records" ADD COLUMN "results" jsonb;--> statement-breakpoint
CREATE INDEX "login_throttle_last_failure_idx" ON "login_throttle" USING btree ("last_failure_at");--> statement-breakpoint
CREATE INDEX "idempotency_records_running_idx" ON "idempotency_records" USING btree ("lease_until");