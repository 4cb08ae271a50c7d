CREATE TABLE "decl_pending_selections" (
	"enterprise_id" uuid NOT NULL,
	"declaration_id" uuid NOT NULL,
	"item_ids" uuid[] NOT NULL,
	"task_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"settled_by" uuid,
	"settled_at" timestamp with time zone,
	CONSTRAINT "decl_pending_selections_enterprise_id_declaration_id_pk" PRIMARY KEY("enterprise_id","declaration_id")
);
--> statement-breakpoint
ALTER TABLE "risk_trader_profiles" ADD COLUMN "cancellations" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "risk_trader_profiles" ADD COLUMN "selected_not_inspected" integer DEFAULT 0 NOT NULL;