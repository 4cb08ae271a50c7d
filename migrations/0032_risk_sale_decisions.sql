CREATE TABLE "risk_sale_decisions" (
	"sale_id" uuid PRIMARY KEY NOT NULL,
	"shop_code" text NOT NULL,
	"person_hash" text NOT NULL,
	"business_date" date NOT NULL,
	"facts" jsonb NOT NULL,
	"fired" jsonb NOT NULL,
	"score" numeric(12, 4) NOT NULL,
	"level" text NOT NULL,
	"verdict" text NOT NULL,
	"rule" text,
	"feature_set_version" integer NOT NULL,
	"parameter_versions" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "risk_sale_decisions_verdict_ck" CHECK ("risk_sale_decisions"."verdict" in ('ALLOW', 'REVIEW'))
);
--> statement-breakpoint
CREATE INDEX "risk_sale_decisions_date_idx" ON "risk_sale_decisions" USING btree ("business_date","sale_id");--> statement-breakpoint
CREATE INDEX "risk_sale_decisions_person_idx" ON "risk_sale_decisions" USING btree ("person_hash");