CREATE TABLE "cmd_alert_hourly" (
	"hour" timestamp with time zone NOT NULL,
	"level" text NOT NULL,
	"n" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "cmd_alert_hourly_hour_level_pk" PRIMARY KEY("hour","level")
);
--> statement-breakpoint
CREATE TABLE "cmd_clearance_buckets" (
	"port_code" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"measure" text NOT NULL,
	"bucket" smallint NOT NULL,
	"n" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "cmd_clearance_buckets_hour_port_code_measure_bucket_pk" PRIMARY KEY("hour","port_code","measure","bucket"),
	CONSTRAINT "cmd_clearance_measure_ck" CHECK ("cmd_clearance_buckets"."measure" in ('RELEASE', 'EXIT'))
);
--> statement-breakpoint
CREATE TABLE "cmd_declaration_hourly" (
	"hour" timestamp with time zone NOT NULL,
	"state" text NOT NULL,
	"n" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "cmd_declaration_hourly_hour_state_pk" PRIMARY KEY("hour","state")
);
--> statement-breakpoint
CREATE TABLE "cmd_dutyfree_daily" (
	"day" date NOT NULL,
	"shop" text NOT NULL,
	"category" text NOT NULL,
	"sales" integer DEFAULT 0 NOT NULL,
	"units" integer DEFAULT 0 NOT NULL,
	"amount" numeric(18, 2) DEFAULT '0' NOT NULL,
	"returned" numeric(18, 2) DEFAULT '0' NOT NULL,
	CONSTRAINT "cmd_dutyfree_daily_day_shop_category_pk" PRIMARY KEY("day","shop","category")
);
--> statement-breakpoint
CREATE TABLE "cmd_gate_hourly" (
	"port_code" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"passed" integer DEFAULT 0 NOT NULL,
	"diverted" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "cmd_gate_hourly_hour_port_code_pk" PRIMARY KEY("hour","port_code")
);
--> statement-breakpoint
CREATE TABLE "cmd_held" (
	"declaration_id" uuid PRIMARY KEY NOT NULL,
	"since" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cmd_rollup_marks" (
	"consumer" text PRIMARY KEY NOT NULL,
	"last_event_id" bigint NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cmd_tax_hourly" (
	"hour" timestamp with time zone PRIMARY KEY NOT NULL,
	"bills" integer DEFAULT 0 NOT NULL,
	"supplementary" integer DEFAULT 0 NOT NULL,
	"duty" numeric(18, 2) DEFAULT '0' NOT NULL,
	"consumption_tax" numeric(18, 2) DEFAULT '0' NOT NULL,
	"vat" numeric(18, 2) DEFAULT '0' NOT NULL,
	"total" numeric(18, 2) DEFAULT '0' NOT NULL
);
--> statement-breakpoint
CREATE INDEX "cmd_held_since_idx" ON "cmd_held" USING btree ("since");