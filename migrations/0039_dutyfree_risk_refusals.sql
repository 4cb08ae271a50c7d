CREATE TABLE "dutyfree_risk_refusals" (
	"id" uuid PRIMARY KEY NOT NULL,
	"shop_code" text NOT NULL,
	"request_id" text,
	"person_hash" text NOT NULL,
	"id_type" text NOT NULL,
	"id_number_masked" text NOT NULL,
	"name_masked" text NOT NULL,
	"business_date" date NOT NULL,
	"amount" numeric(14, 2) NOT NULL,
	"rule" text NOT NULL,
	"level" text NOT NULL,
	"score" numeric(12, 4) NOT NULL,
	"facts" jsonb NOT NULL,
	"fired" jsonb NOT NULL,
	"feature_set_version" integer NOT NULL,
	"audit_seq" bigint NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "dutyfree_risk_refusals_person_idx" ON "dutyfree_risk_refusals" USING btree ("person_hash","created_at");--> statement-breakpoint
CREATE INDEX "dutyfree_risk_refusals_date_idx" ON "dutyfree_risk_refusals" USING btree ("business_date","shop_code");--> statement-breakpoint
CREATE UNIQUE INDEX "dutyfree_risk_refusals_request_uq" ON "dutyfree_risk_refusals" USING btree ("shop_code","request_id");