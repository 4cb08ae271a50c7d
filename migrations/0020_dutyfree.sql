CREATE TABLE "dutyfree_bans" (
	"id" uuid PRIMARY KEY NOT NULL,
	"buyer_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"valid_from" date NOT NULL,
	"valid_to" date NOT NULL,
	"fact_id" uuid NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"lifted_at" timestamp with time zone,
	"lifted_by" text,
	"lift_reason" text,
	CONSTRAINT "dutyfree_bans_reason_ck" CHECK ("dutyfree_bans"."reason" in ('MISSED_DEPARTURE', 'RESALE')),
	CONSTRAINT "dutyfree_bans_range_ck" CHECK ("dutyfree_bans"."valid_to" > "dutyfree_bans"."valid_from"),
	CONSTRAINT "dutyfree_bans_lift_ck" CHECK (("dutyfree_bans"."lifted_at" is null) = ("dutyfree_bans"."lifted_by" is null) and ("dutyfree_bans"."lifted_at" is null) = ("dutyfree_bans"."lift_reason" is null))
);
--> statement-breakpoint
CREATE TABLE "dutyfree_buyer_facts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"buyer_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"occurred_on" date NOT NULL,
	"reservation_id" uuid,
	"code" text,
	"shop_code" text,
	"detail" jsonb NOT NULL,
	"source" text NOT NULL,
	"request_key" text,
	"audit_seq" bigint NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "dutyfree_facts_kind_ck" CHECK ("dutyfree_buyer_facts"."kind" in ('MISSED_DEPARTURE', 'BANNED', 'BAN_LIFTED', 'CODE_FOUND_ON_MARKET'))
);
--> statement-breakpoint
CREATE TABLE "dutyfree_buyers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"id_type" text NOT NULL,
	"id_number_hash" text NOT NULL,
	"id_number_encrypted" text NOT NULL,
	"name_encrypted" text NOT NULL,
	"id_number_masked" text NOT NULL,
	"name_masked" text NOT NULL,
	"birth_date" date NOT NULL,
	"island_resident" boolean NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "dutyfree_buyers_id_type_ck" CHECK ("dutyfree_buyers"."id_type" in ('RESIDENT_ID', 'PASSPORT', 'HK_MACAO_PERMIT', 'TAIWAN_PERMIT'))
);
--> statement-breakpoint
CREATE TABLE "dutyfree_codes" (
	"code" text PRIMARY KEY NOT NULL,
	"reservation_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"unit_no" integer NOT NULL,
	"buyer_id" uuid NOT NULL,
	"shop_code" text NOT NULL,
	"trip_id" uuid NOT NULL,
	"collection" text NOT NULL,
	"category" text NOT NULL,
	"sold_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"returned_at" timestamp with time zone,
	"picked_up_at" timestamp with time zone,
	"pickup_point" text,
	CONSTRAINT "dutyfree_codes_status_ck" CHECK ("dutyfree_codes"."status" in ('SOLD', 'RETURNED')),
	CONSTRAINT "dutyfree_codes_returned_ck" CHECK (("dutyfree_codes"."status" = 'RETURNED') = ("dutyfree_codes"."returned_at" is not null))
);
--> statement-breakpoint
CREATE TABLE "dutyfree_departures" (
	"id" uuid PRIMARY KEY NOT NULL,
	"buyer_id" uuid NOT NULL,
	"mode" text NOT NULL,
	"number" text NOT NULL,
	"departure_date" date NOT NULL,
	"departed_at" timestamp with time zone NOT NULL,
	"source" text NOT NULL,
	"reported_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "dutyfree_departures_mode_ck" CHECK ("dutyfree_departures"."mode" in ('FLIGHT', 'TRAIN', 'SHIP')),
	CONSTRAINT "dutyfree_departures_source_ck" CHECK ("dutyfree_departures"."source" in ('CARRIER', 'PICKUP_SCAN'))
);
--> statement-breakpoint
CREATE TABLE "dutyfree_quotas" (
	"buyer_id" uuid NOT NULL,
	"year" integer NOT NULL,
	"quota" numeric(14, 2) NOT NULL,
	"used" numeric(14, 2) DEFAULT '0' NOT NULL,
	"reserved" numeric(14, 2) DEFAULT '0' NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "dutyfree_quotas_buyer_id_year_pk" PRIMARY KEY("buyer_id","year"),
	CONSTRAINT "dutyfree_quotas_used_ck" CHECK ("dutyfree_quotas"."used" >= 0),
	CONSTRAINT "dutyfree_quotas_reserved_ck" CHECK ("dutyfree_quotas"."reserved" >= 0),
	CONSTRAINT "dutyfree_quotas_within_ck" CHECK ("dutyfree_quotas"."used" + "dutyfree_quotas"."reserved" <= "dutyfree_quotas"."quota")
);
--> statement-breakpoint
CREATE TABLE "dutyfree_reservation_items" (
	"reservation_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"sku" text NOT NULL,
	"name" text NOT NULL,
	"category" text NOT NULL,
	"unit_price" numeric(14, 2) NOT NULL,
	"quantity" integer NOT NULL,
	"pieces_per_unit" integer DEFAULT 1 NOT NULL,
	"volume_ml" integer,
	"amount" numeric(14, 2) NOT NULL,
	"returned_quantity" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "dutyfree_reservation_items_reservation_id_line_no_pk" PRIMARY KEY("reservation_id","line_no"),
	CONSTRAINT "dutyfree_items_quantity_ck" CHECK ("dutyfree_reservation_items"."quantity" > 0 and "dutyfree_reservation_items"."pieces_per_unit" > 0 and ("dutyfree_reservation_items"."volume_ml" is null or "dutyfree_reservation_items"."volume_ml" > 0)),
	CONSTRAINT "dutyfree_items_returned_ck" CHECK ("dutyfree_reservation_items"."returned_quantity" >= 0 and "dutyfree_reservation_items"."returned_quantity" <= "dutyfree_reservation_items"."quantity"),
	CONSTRAINT "dutyfree_items_price_ck" CHECK ("dutyfree_reservation_items"."unit_price" > 0 and "dutyfree_reservation_items"."amount" = "dutyfree_reservation_items"."unit_price" * "dutyfree_reservation_items"."quantity")
);
--> statement-breakpoint
CREATE TABLE "dutyfree_reservations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"shop_code" text NOT NULL,
	"request_id" text,
	"request_hash" text NOT NULL,
	"buyer_id" uuid NOT NULL,
	"trip_id" uuid NOT NULL,
	"quota_year" integer NOT NULL,
	"purchase_date" date NOT NULL,
	"collection" text NOT NULL,
	"status" text NOT NULL,
	"amount" numeric(14, 2) NOT NULL,
	"returned_amount" numeric(14, 2) DEFAULT '0' NOT NULL,
	"quota_left" numeric(14, 2) NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"confirmed_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"payer_hash" text NOT NULL,
	"phone_hash" text,
	"address_hash" text,
	"account_hash" text,
	"device_hash" text,
	"personal_encrypted" text,
	"parameter_versions" jsonb NOT NULL,
	CONSTRAINT "dutyfree_reservations_status_ck" CHECK ("dutyfree_reservations"."status" in ('RESERVED', 'CONFIRMED', 'CANCELLED', 'EXPIRED')),
	CONSTRAINT "dutyfree_reservations_collection_ck" CHECK ("dutyfree_reservations"."collection" in ('DEPARTURE_PICKUP', 'MAIL', 'RETURN_PICKUP', 'GUARANTEE_AND_COLLECT', 'BUY_AND_COLLECT')),
	CONSTRAINT "dutyfree_reservations_amount_ck" CHECK ("dutyfree_reservations"."amount" > 0),
	CONSTRAINT "dutyfree_reservations_returned_ck" CHECK ("dutyfree_reservations"."returned_amount" >= 0 and "dutyfree_reservations"."returned_amount" <= "dutyfree_reservations"."amount" and ("dutyfree_reservations"."returned_amount" = 0 or "dutyfree_reservations"."status" = 'CONFIRMED')),
	CONSTRAINT "dutyfree_reservations_confirmed_ck" CHECK (("dutyfree_reservations"."status" = 'CONFIRMED') = ("dutyfree_reservations"."confirmed_at" is not null))
);
--> statement-breakpoint
CREATE TABLE "dutyfree_shops" (
	"code" text PRIMARY KEY NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"city" text NOT NULL,
	"operator" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dutyfree_trips" (
	"id" uuid PRIMARY KEY NOT NULL,
	"buyer_id" uuid NOT NULL,
	"mode" text NOT NULL,
	"number" text NOT NULL,
	"departure_date" date NOT NULL,
	"destination" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "dutyfree_trips_mode_ck" CHECK ("dutyfree_trips"."mode" in ('FLIGHT', 'TRAIN', 'SHIP')),
	CONSTRAINT "dutyfree_trips_destination_ck" CHECK ("dutyfree_trips"."destination" in ('MAINLAND', 'ABROAD'))
);
--> statement-breakpoint
CREATE INDEX "dutyfree_bans_buyer_idx" ON "dutyfree_bans" USING btree ("buyer_id","valid_from");--> statement-breakpoint
CREATE INDEX "dutyfree_facts_buyer_idx" ON "dutyfree_buyer_facts" USING btree ("buyer_id","occurred_on");--> statement-breakpoint
CREATE INDEX "dutyfree_facts_code_idx" ON "dutyfree_buyer_facts" USING btree ("code") WHERE "dutyfree_buyer_facts"."code" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "dutyfree_facts_request_uq" ON "dutyfree_buyer_facts" USING btree ("request_key");--> statement-breakpoint
CREATE UNIQUE INDEX "dutyfree_facts_missed_departure_uq" ON "dutyfree_buyer_facts" USING btree ("reservation_id") WHERE "dutyfree_buyer_facts"."kind" = 'MISSED_DEPARTURE';--> statement-breakpoint
CREATE UNIQUE INDEX "dutyfree_buyers_id_number_hash_uq" ON "dutyfree_buyers" USING btree ("id_number_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "dutyfree_codes_unit_uq" ON "dutyfree_codes" USING btree ("reservation_id","line_no","unit_no");--> statement-breakpoint
CREATE INDEX "dutyfree_codes_buyer_idx" ON "dutyfree_codes" USING btree ("buyer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "dutyfree_departures_uq" ON "dutyfree_departures" USING btree ("buyer_id","mode","number","departure_date");--> statement-breakpoint
CREATE INDEX "dutyfree_departures_buyer_idx" ON "dutyfree_departures" USING btree ("buyer_id","departure_date");--> statement-breakpoint
CREATE UNIQUE INDEX "dutyfree_reservations_request_uq" ON "dutyfree_reservations" USING btree ("shop_code","request_id");--> statement-breakpoint
CREATE INDEX "dutyfree_reservations_buyer_idx" ON "dutyfree_reservations" USING btree ("buyer_id","quota_year");--> statement-breakpoint
CREATE INDEX "dutyfree_reservations_trip_idx" ON "dutyfree_reservations" USING btree ("trip_id");--> statement-breakpoint
CREATE INDEX "dutyfree_reservations_open_idx" ON "dutyfree_reservations" USING btree ("expires_at") WHERE "dutyfree_reservations"."status" = 'RESERVED';--> statement-breakpoint
CREATE INDEX "dutyfree_reservations_shop_idx" ON "dutyfree_reservations" USING btree ("shop_code","created_at");--> statement-breakpoint
CREATE INDEX "dutyfree_reservations_collect_idx" ON "dutyfree_reservations" USING btree ("purchase_date") WHERE "dutyfree_reservations"."status" = 'CONFIRMED' and "dutyfree_reservations"."collection" in ('GUARANTEE_AND_COLLECT', 'BUY_AND_COLLECT');--> statement-breakpoint
CREATE INDEX "dutyfree_reservations_payer_idx" ON "dutyfree_reservations" USING btree ("payer_hash");--> statement-breakpoint
CREATE INDEX "dutyfree_reservations_phone_idx" ON "dutyfree_reservations" USING btree ("phone_hash") WHERE "dutyfree_reservations"."phone_hash" is not null;--> statement-breakpoint
CREATE INDEX "dutyfree_reservations_address_idx" ON "dutyfree_reservations" USING btree ("address_hash") WHERE "dutyfree_reservations"."address_hash" is not null;--> statement-breakpoint
CREATE INDEX "dutyfree_reservations_account_idx" ON "dutyfree_reservations" USING btree ("account_hash") WHERE "dutyfree_reservations"."account_hash" is not null;--> statement-breakpoint
CREATE INDEX "dutyfree_reservations_device_idx" ON "dutyfree_reservations" USING btree ("device_hash") WHERE "dutyfree_reservations"."device_hash" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "dutyfree_trips_buyer_departure_uq" ON "dutyfree_trips" USING btree ("buyer_id","mode","number","departure_date");