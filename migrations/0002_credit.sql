CREATE TABLE "credit_class_changes" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"subject_id" uuid NOT NULL,
	"subject_kind" text NOT NULL,
	"subject_code" text NOT NULL,
	"effective_date" date NOT NULL,
	"from_class" text,
	"to_class" text NOT NULL,
	"reasons" jsonb NOT NULL,
	"cause" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credit_classes" (
	"subject_id" uuid PRIMARY KEY NOT NULL,
	"subject_kind" text NOT NULL,
	"class" text NOT NULL,
	"reasons" jsonb NOT NULL,
	"as_of" date NOT NULL,
	"valid_until" date,
	"next_change" date,
	"parameter_versions" jsonb NOT NULL,
	"computed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credit_inputs" (
	"subject_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"subject_kind" text NOT NULL,
	"type" text NOT NULL,
	"source" text NOT NULL,
	"effective_date" date NOT NULL,
	"reference" text,
	"department" text,
	"level" text,
	"is_lowest_level" boolean,
	"event_kind" text,
	"aeo_action" text,
	"recorded_by" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "credit_inputs_subject_id_id_pk" PRIMARY KEY("subject_id","id")
);
--> statement-breakpoint
CREATE TABLE "credit_withdrawals" (
	"input_id" uuid PRIMARY KEY NOT NULL,
	"subject_id" uuid NOT NULL,
	"date" date NOT NULL,
	"reason" text NOT NULL,
	"recorded_by" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "credit_class_changes_subject_idx" ON "credit_class_changes" USING btree ("subject_id","seq");--> statement-breakpoint
CREATE INDEX "credit_classes_next_change_idx" ON "credit_classes" USING btree ("next_change");--> statement-breakpoint
CREATE INDEX "credit_classes_class_idx" ON "credit_classes" USING btree ("class");--> statement-breakpoint
CREATE INDEX "credit_inputs_id_idx" ON "credit_inputs" USING btree ("id");