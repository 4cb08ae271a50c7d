ALTER TABLE "gate_device_keys" ADD COLUMN "key_from_seq" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "gate_device_keys" ADD COLUMN "previous_public_key_pem" text;