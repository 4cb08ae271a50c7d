ALTER TABLE "joint_control_cases" ALTER COLUMN "enterprise_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "joint_control_cases" ALTER COLUMN "declaration_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "joint_control_cases" ALTER COLUMN "uscc" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "joint_control_cases" ALTER COLUMN "enterprise_name" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "joint_control_shares" ALTER COLUMN "enterprise_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "joint_control_cases" ADD COLUMN "subject_kind" text DEFAULT 'DECLARATION' NOT NULL;--> statement-breakpoint
ALTER TABLE "joint_control_cases" ADD COLUMN "sale_id" uuid;--> statement-breakpoint
ALTER TABLE "joint_control_cases" ADD COLUMN "buyer_hash" text;--> statement-breakpoint
ALTER TABLE "joint_control_cases" ADD COLUMN "buyer_id_type" text;--> statement-breakpoint
ALTER TABLE "joint_control_cases" ADD COLUMN "buyer_id_masked" text;--> statement-breakpoint
ALTER TABLE "joint_control_cases" ADD COLUMN "buyer_name_masked" text;--> statement-breakpoint
CREATE UNIQUE INDEX "joint_control_cases_sale_uq" ON "joint_control_cases" USING btree ("sale_id");--> statement-breakpoint
ALTER TABLE "joint_control_cases" ADD CONSTRAINT "joint_control_cases_subject_ck" CHECK (("joint_control_cases"."subject_kind" = 'DECLARATION' and "joint_control_cases"."enterprise_id" is not null and "joint_control_cases"."declaration_id" is not null
        and "joint_control_cases"."uscc" is not null and "joint_control_cases"."enterprise_name" is not null and "joint_control_cases"."sale_id" is null)
        or ("joint_control_cases"."subject_kind" = 'DUTYFREE_SALE' and "joint_control_cases"."sale_id" is not null and "joint_control_cases"."buyer_hash" is not null
        and "joint_control_cases"."buyer_id_masked" is not null and "joint_control_cases"."enterprise_id" is null and "joint_control_cases"."declaration_id" is null));