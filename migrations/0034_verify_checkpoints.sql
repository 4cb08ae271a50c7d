CREATE TABLE "verify_checkpoints" (
	"verifier" text NOT NULL,
	"key" text NOT NULL,
	"position" bigint NOT NULL,
	"hash" text NOT NULL,
	"seq" bigint NOT NULL,
	"flag" boolean DEFAULT false NOT NULL,
	"verified_at" timestamp with time zone NOT NULL,
	CONSTRAINT "verify_checkpoints_verifier_key_pk" PRIMARY KEY("verifier","key")
);
