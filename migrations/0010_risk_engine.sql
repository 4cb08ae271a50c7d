CREATE TABLE "risk_backtests" (
	"id" uuid PRIMARY KEY NOT NULL,
	"target_kind" text NOT NULL,
	"code" text,
	"version" integer NOT NULL,
	"from_date" date NOT NULL,
	"to_date" date NOT NULL,
	"declarations" integer NOT NULL,
	"metrics" jsonb NOT NULL,
	"run_by" text NOT NULL,
	"run_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "risk_capacity_usage" (
	"port" text NOT NULL,
	"day" date NOT NULL,
	"used" integer NOT NULL,
	CONSTRAINT "risk_capacity_usage_port_day_pk" PRIMARY KEY("port","day"),
	CONSTRAINT "risk_capacity_usage_used_ck" CHECK ("risk_capacity_usage"."used" >= 0)
);
--> statement-breakpoint
CREATE TABLE "risk_daily_totals" (
	"day" date NOT NULL,
	"port" text NOT NULL,
	"level" text NOT NULL,
	"credit_class" text NOT NULL,
	"assessed" integer NOT NULL,
	"selected" integer NOT NULL,
	"unbiased_sample" integer NOT NULL,
	"outcomes" integer NOT NULL,
	"hits" integer NOT NULL,
	"unbiased_outcomes" integer NOT NULL,
	"unbiased_hits" integer NOT NULL,
	"revenue_recovered" numeric(18, 2) NOT NULL,
	"expected_revenue" numeric(18, 2) NOT NULL,
	CONSTRAINT "risk_daily_totals_day_port_level_credit_class_pk" PRIMARY KEY("day","port","level","credit_class")
);
--> statement-breakpoint
CREATE TABLE "risk_decisions" (
	"enterprise_id" uuid NOT NULL,
	"declaration_id" uuid NOT NULL,
	"uscc" text NOT NULL,
	"kind" text NOT NULL,
	"port" text NOT NULL,
	"business_date" date NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"level" text NOT NULL,
	"score" numeric(12, 4) NOT NULL,
	"feature_score" numeric(12, 4) NOT NULL,
	"model_score" numeric(12, 4) NOT NULL,
	"forced_by" text,
	"fired" jsonb NOT NULL,
	"feature_set_version" integer NOT NULL,
	"model_version" integer,
	"model_probability" double precision,
	"model_drivers" jsonb,
	"shadow_model_version" integer,
	"shadow_model_probability" double precision,
	"probability" double precision NOT NULL,
	"probability_source" text NOT NULL,
	"parameter_versions" jsonb NOT NULL,
	"credit_class" text NOT NULL,
	"draw" double precision NOT NULL,
	"class_rate" numeric(8, 6) NOT NULL,
	"capacity_requested" boolean NOT NULL,
	"capacity_granted" boolean NOT NULL,
	"unbiased_sample" boolean NOT NULL,
	"selected" boolean NOT NULL,
	"action" text NOT NULL,
	"reasons" jsonb NOT NULL,
	"total_value" numeric(18, 2) NOT NULL,
	"revenue_at_stake" numeric(18, 2) NOT NULL,
	"expected_revenue" numeric(18, 2) NOT NULL,
	"input" jsonb NOT NULL,
	"input_hash" text NOT NULL,
	"facts" jsonb NOT NULL,
	"reference_included" jsonb NOT NULL,
	CONSTRAINT "risk_decisions_enterprise_id_declaration_id_pk" PRIMARY KEY("enterprise_id","declaration_id"),
	CONSTRAINT "risk_decisions_level_ck" CHECK ("risk_decisions"."level" in ('RED', 'YELLOW', 'BLUE'))
);
--> statement-breakpoint
CREATE TABLE "risk_feature_daily" (
	"code" text NOT NULL,
	"version" integer NOT NULL,
	"day" date NOT NULL,
	"fired" integer NOT NULL,
	"inspected" integer NOT NULL,
	"hits" integer NOT NULL,
	"revenue_recovered" numeric(18, 2) NOT NULL,
	CONSTRAINT "risk_feature_daily_code_version_day_pk" PRIMARY KEY("code","version","day")
);
--> statement-breakpoint
CREATE TABLE "risk_feature_versions" (
	"code" text NOT NULL,
	"version" integer NOT NULL,
	"status" text NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"category" text NOT NULL,
	"scope" text NOT NULL,
	"expression" text NOT NULL,
	"weight" numeric(6, 2) NOT NULL,
	"force_level" text,
	"expires_on" date,
	"owner" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"approved_by" text,
	"approved_at" timestamp with time zone,
	"retired_by" text,
	"retired_at" timestamp with time zone,
	"retire_reason" text,
	"live_from_set" integer,
	"live_to_set" integer,
	"shadow_from_set" integer,
	"shadow_to_set" integer,
	CONSTRAINT "risk_feature_versions_code_version_pk" PRIMARY KEY("code","version"),
	CONSTRAINT "risk_feature_versions_status_ck" CHECK ("risk_feature_versions"."status" in ('DRAFT', 'SHADOW', 'LIVE', 'RETIRED')),
	CONSTRAINT "risk_feature_versions_weight_ck" CHECK ("risk_feature_versions"."weight" >= 0 and "risk_feature_versions"."weight" <= 100),
	CONSTRAINT "risk_feature_versions_four_eyes_ck" CHECK ("risk_feature_versions"."approved_by" is null or "risk_feature_versions"."approved_by" <> "risk_feature_versions"."created_by")
);
--> statement-breakpoint
CREATE TABLE "risk_library_state" (
	"id" integer PRIMARY KEY NOT NULL,
	"set_version" integer NOT NULL,
	"live_model_version" integer,
	"shadow_model_version" integer,
	"updated_at" timestamp with time zone NOT NULL,
	"updated_by" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "risk_models" (
	"version" serial PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"algorithm" text NOT NULL,
	"spec" jsonb NOT NULL,
	"model" text NOT NULL,
	"metrics" jsonb NOT NULL,
	"training" jsonb NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"approved_by" text,
	"approved_at" timestamp with time zone,
	"retired_by" text,
	"retired_at" timestamp with time zone,
	CONSTRAINT "risk_models_status_ck" CHECK ("risk_models"."status" in ('DRAFT', 'SHADOW', 'LIVE', 'RETIRED')),
	CONSTRAINT "risk_models_four_eyes_ck" CHECK ("risk_models"."approved_by" is null or "risk_models"."approved_by" <> "risk_models"."created_by")
);
--> statement-breakpoint
CREATE TABLE "risk_outcome_stats" (
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"inspected" integer NOT NULL,
	"hits" integer NOT NULL,
	"traders" integer NOT NULL,
	"violation_traders" integer NOT NULL,
	CONSTRAINT "risk_outcome_stats_kind_key_pk" PRIMARY KEY("kind","key")
);
--> statement-breakpoint
CREATE TABLE "risk_outcomes" (
	"enterprise_id" uuid NOT NULL,
	"declaration_id" uuid NOT NULL,
	"outcome" text NOT NULL,
	"corrected_values" jsonb,
	"revenue_recovered" numeric(18, 2) NOT NULL,
	"payload_hash" text NOT NULL,
	"decision_date" date NOT NULL,
	"recorded_by" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "risk_outcomes_enterprise_id_declaration_id_pk" PRIMARY KEY("enterprise_id","declaration_id"),
	CONSTRAINT "risk_outcomes_outcome_ck" CHECK ("risk_outcomes"."outcome" in ('MATCH', 'DISCREPANCY', 'SEIZURE')),
	CONSTRAINT "risk_outcomes_revenue_ck" CHECK ("risk_outcomes"."revenue_recovered" >= 0)
);
--> statement-breakpoint
CREATE TABLE "risk_party_traders" (
	"kind" text NOT NULL,
	"party_key" text NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"declarations" integer NOT NULL,
	"violated" boolean NOT NULL,
	CONSTRAINT "risk_party_traders_kind_party_key_enterprise_id_pk" PRIMARY KEY("kind","party_key","enterprise_id")
);
--> statement-breakpoint
CREATE TABLE "risk_reference_stats" (
	"kind" text NOT NULL,
	"hs6" text NOT NULL,
	"origin" text NOT NULL,
	"unit" text NOT NULL,
	"n" integer NOT NULL,
	"sum" double precision NOT NULL,
	"sum_sq" double precision NOT NULL,
	CONSTRAINT "risk_reference_stats_kind_hs6_origin_unit_pk" PRIMARY KEY("kind","hs6","origin","unit")
);
--> statement-breakpoint
CREATE TABLE "risk_trader_profiles" (
	"enterprise_id" uuid PRIMARY KEY NOT NULL,
	"declarations" integer NOT NULL,
	"first_on" date NOT NULL,
	"last_on" date NOT NULL,
	"log_value_n" integer NOT NULL,
	"log_value_sum" double precision NOT NULL,
	"log_value_sum_sq" double precision NOT NULL,
	"chapters" jsonb NOT NULL,
	"origins" jsonb NOT NULL,
	"ports" jsonb NOT NULL,
	"recent_activity" double precision NOT NULL,
	"inspected" integer NOT NULL,
	"violations" integer NOT NULL,
	"seizures" integer NOT NULL,
	"last_violation_on" date
);
--> statement-breakpoint
CREATE INDEX "risk_backtests_target_idx" ON "risk_backtests" USING btree ("target_kind","code","version");--> statement-breakpoint
CREATE INDEX "risk_decisions_declaration_idx" ON "risk_decisions" USING btree ("declaration_id");--> statement-breakpoint
CREATE INDEX "risk_decisions_queue_idx" ON "risk_decisions" USING btree ("level","created_at");--> statement-breakpoint
CREATE INDEX "risk_decisions_port_idx" ON "risk_decisions" USING btree ("port","created_at");--> statement-breakpoint
CREATE INDEX "risk_decisions_created_idx" ON "risk_decisions" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "risk_decisions_enterprise_idx" ON "risk_decisions" USING btree ("enterprise_id","created_at");--> statement-breakpoint
CREATE INDEX "risk_feature_versions_status_idx" ON "risk_feature_versions" USING btree ("status");--> statement-breakpoint
CREATE INDEX "risk_outcomes_declaration_idx" ON "risk_outcomes" USING btree ("declaration_id");--> statement-breakpoint
CREATE INDEX "risk_outcomes_date_idx" ON "risk_outcomes" USING btree ("decision_date");