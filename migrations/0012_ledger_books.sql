CREATE TABLE "ledger_accounts" (
	"item_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"book_id" uuid NOT NULL,
	"on_hand" numeric(24, 6) DEFAULT '0' NOT NULL,
	"reserved" numeric(24, 6) DEFAULT '0' NOT NULL,
	"imported_cny" numeric(20, 2) DEFAULT '0' NOT NULL,
	"domestic_cny" numeric(20, 2) DEFAULT '0' NOT NULL,
	"hainan_made_cny" numeric(20, 2) DEFAULT '0' NOT NULL,
	"first_entry_date" date,
	"movements" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "ledger_accounts_item_id_kind_pk" PRIMARY KEY("item_id","kind"),
	CONSTRAINT "ledger_accounts_kind_ck" CHECK ("ledger_accounts"."kind" in ('stock', 'abroad', 'mainland', 'island', 'consumed', 'produced', 'scrapped', 'adjustment')),
	CONSTRAINT "ledger_accounts_on_hand_ck" CHECK ("ledger_accounts"."kind" <> 'stock' or "ledger_accounts"."on_hand" >= 0),
	CONSTRAINT "ledger_accounts_reserved_ck" CHECK ("ledger_accounts"."reserved" >= 0 and ("ledger_accounts"."kind" = 'stock' or "ledger_accounts"."reserved" = 0)),
	CONSTRAINT "ledger_accounts_reserved_le_on_hand_ck" CHECK ("ledger_accounts"."reserved" <= "ledger_accounts"."on_hand" or "ledger_accounts"."kind" <> 'stock'),
	CONSTRAINT "ledger_accounts_cost_ck" CHECK ("ledger_accounts"."kind" <> 'stock' or ("ledger_accounts"."imported_cny" >= 0 and "ledger_accounts"."domestic_cny" >= 0 and "ledger_accounts"."hainan_made_cny" >= 0))
);
--> statement-breakpoint
CREATE TABLE "ledger_alerts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"book_id" uuid NOT NULL,
	"reference" text NOT NULL,
	"detail" jsonb NOT NULL,
	"raised_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_books" (
	"id" uuid PRIMARY KEY NOT NULL,
	"enterprise_id" uuid NOT NULL,
	"regime" text NOT NULL,
	"book_no" text NOT NULL,
	"status" text NOT NULL,
	"opened_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "ledger_books_book_no_unique" UNIQUE("book_no"),
	CONSTRAINT "ledger_books_regime_ck" CHECK ("ledger_books"."regime" in ('ZERO_TARIFF', 'PROCESSING_VALUE_ADDED', 'RELAXED_TRADE')),
	CONSTRAINT "ledger_books_status_ck" CHECK ("ledger_books"."status" in ('ACTIVE', 'CLOSED'))
);
--> statement-breakpoint
CREATE TABLE "ledger_direct_releases" (
	"id" uuid PRIMARY KEY NOT NULL,
	"book_id" uuid NOT NULL,
	"reference" text NOT NULL,
	"released_on" date NOT NULL,
	"due_on" date NOT NULL,
	"entered_document_id" uuid,
	"entered_on" date,
	"overdue_alerted_at" timestamp with time zone,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_document_lines" (
	"document_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"item_id" uuid NOT NULL,
	"direction" text NOT NULL,
	"quantity" numeric(24, 6) NOT NULL,
	"imported_cny" numeric(20, 2) DEFAULT '0' NOT NULL,
	"domestic_cny" numeric(20, 2) DEFAULT '0' NOT NULL,
	"hainan_made_cny" numeric(20, 2) DEFAULT '0' NOT NULL,
	CONSTRAINT "ledger_document_lines_document_id_line_no_direction_pk" PRIMARY KEY("document_id","line_no","direction"),
	CONSTRAINT "ledger_document_lines_direction_ck" CHECK ("ledger_document_lines"."direction" in ('IN', 'OUT'))
);
--> statement-breakpoint
CREATE TABLE "ledger_documents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"book_id" uuid NOT NULL,
	"type" text NOT NULL,
	"status" text NOT NULL,
	"content_hash" text NOT NULL,
	"reference" text,
	"business_date" date NOT NULL,
	"counterparty_book_id" uuid,
	"counterparty_enterprise_id" uuid,
	"reversal_of" uuid,
	"reason" text,
	"body" jsonb NOT NULL,
	"tax" jsonb,
	"flags" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	CONSTRAINT "ledger_documents_status_ck" CHECK ("ledger_documents"."status" in ('POSTED', 'PENDING_APPROVAL', 'REJECTED')),
	CONSTRAINT "ledger_documents_four_eyes_ck" CHECK ("ledger_documents"."decided_by" is null or "ledger_documents"."decided_by" <> "ledger_documents"."created_by")
);
--> statement-breakpoint
CREATE TABLE "ledger_items" (
	"id" uuid PRIMARY KEY NOT NULL,
	"book_id" uuid NOT NULL,
	"item_no" text NOT NULL,
	"hs_code" text NOT NULL,
	"name" text NOT NULL,
	"specification" text DEFAULT '' NOT NULL,
	"unit" text NOT NULL,
	"origin_country" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "ledger_items_hs_ck" CHECK ("ledger_items"."hs_code" ~ '^[0-9]{10}$'),
	CONSTRAINT "ledger_items_origin_ck" CHECK ("ledger_items"."origin_country" ~ '^[A-Z]{2,3}$')
);
--> statement-breakpoint
CREATE TABLE "ledger_movements" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"id" uuid NOT NULL,
	"book_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	"from_kind" text NOT NULL,
	"to_kind" text NOT NULL,
	"quantity" numeric(24, 6) NOT NULL,
	"imported_cny" numeric(20, 2) NOT NULL,
	"domestic_cny" numeric(20, 2) NOT NULL,
	"hainan_made_cny" numeric(20, 2) NOT NULL,
	"document_id" uuid NOT NULL,
	"document_type" text NOT NULL,
	"line_no" integer NOT NULL,
	"posting_id" uuid,
	"reversal_of" uuid,
	"audit_seq" bigint NOT NULL,
	"business_date" date NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "ledger_movements_id_unique" UNIQUE("id"),
	CONSTRAINT "ledger_movements_quantity_ck" CHECK ("ledger_movements"."quantity" > 0),
	CONSTRAINT "ledger_movements_cost_ck" CHECK ("ledger_movements"."imported_cny" >= 0 and "ledger_movements"."domestic_cny" >= 0 and "ledger_movements"."hainan_made_cny" >= 0),
	CONSTRAINT "ledger_movements_accounts_ck" CHECK ("ledger_movements"."from_kind" <> "ledger_movements"."to_kind")
);
--> statement-breakpoint
CREATE TABLE "ledger_postings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"reservation_id" uuid NOT NULL,
	"content_hash" text NOT NULL,
	"to_kind" text NOT NULL,
	"document_type" text NOT NULL,
	"document_id" text NOT NULL,
	"release_rest" boolean NOT NULL,
	"lines" jsonb NOT NULL,
	"movement_ids" jsonb NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_reservation_lines" (
	"reservation_id" uuid NOT NULL,
	"line_no" integer NOT NULL,
	"item_id" uuid NOT NULL,
	"reserved" numeric(24, 6) NOT NULL,
	"posted" numeric(24, 6) DEFAULT '0' NOT NULL,
	"released" numeric(24, 6) DEFAULT '0' NOT NULL,
	CONSTRAINT "ledger_reservation_lines_reservation_id_line_no_pk" PRIMARY KEY("reservation_id","line_no"),
	CONSTRAINT "ledger_reservation_lines_ck" CHECK ("ledger_reservation_lines"."reserved" > 0 and "ledger_reservation_lines"."posted" >= 0 and "ledger_reservation_lines"."released" >= 0 and "ledger_reservation_lines"."posted" + "ledger_reservation_lines"."released" <= "ledger_reservation_lines"."reserved")
);
--> statement-breakpoint
CREATE TABLE "ledger_reservations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"book_id" uuid NOT NULL,
	"status" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"purpose_type" text NOT NULL,
	"purpose_id" text NOT NULL,
	"content_hash" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"void_reason" text,
	CONSTRAINT "ledger_reservations_status_ck" CHECK ("ledger_reservations"."status" in ('OPEN', 'POSTED', 'VOID', 'EXPIRED'))
);
--> statement-breakpoint
CREATE TABLE "ledger_taxed_catalogue" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"hs_prefix" text NOT NULL,
	"description" text NOT NULL,
	"valid_from" date NOT NULL,
	"valid_to" date,
	"source" text NOT NULL,
	"batch_id" uuid NOT NULL,
	"loaded_by" text NOT NULL,
	"loaded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "ledger_taxed_catalogue_prefix_ck" CHECK ("ledger_taxed_catalogue"."hs_prefix" ~ '^[0-9]{2,10}$')
);
--> statement-breakpoint
CREATE INDEX "ledger_accounts_book_idx" ON "ledger_accounts" USING btree ("book_id");--> statement-breakpoint
CREATE INDEX "ledger_alerts_book_idx" ON "ledger_alerts" USING btree ("book_id","raised_at");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_alerts_kind_ref_uq" ON "ledger_alerts" USING btree ("kind","reference");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_books_enterprise_regime_uq" ON "ledger_books" USING btree ("enterprise_id","regime");--> statement-breakpoint
CREATE INDEX "ledger_direct_releases_pending_idx" ON "ledger_direct_releases" USING btree ("due_on") WHERE "ledger_direct_releases"."entered_document_id" is null;--> statement-breakpoint
CREATE INDEX "ledger_direct_releases_book_idx" ON "ledger_direct_releases" USING btree ("book_id");--> statement-breakpoint
CREATE INDEX "ledger_documents_book_idx" ON "ledger_documents" USING btree ("book_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_documents_reversal_uq" ON "ledger_documents" USING btree ("reversal_of");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_items_book_item_no_uq" ON "ledger_items" USING btree ("book_id","item_no");--> statement-breakpoint
CREATE INDEX "ledger_movements_book_idx" ON "ledger_movements" USING btree ("book_id","seq");--> statement-breakpoint
CREATE INDEX "ledger_movements_item_idx" ON "ledger_movements" USING btree ("item_id","seq");--> statement-breakpoint
CREATE INDEX "ledger_movements_document_idx" ON "ledger_movements" USING btree ("document_id");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_movements_reversal_uq" ON "ledger_movements" USING btree ("reversal_of");--> statement-breakpoint
CREATE INDEX "ledger_postings_reservation_idx" ON "ledger_postings" USING btree ("reservation_id");--> statement-breakpoint
CREATE INDEX "ledger_reservation_lines_item_idx" ON "ledger_reservation_lines" USING btree ("item_id");--> statement-breakpoint
CREATE INDEX "ledger_reservations_book_idx" ON "ledger_reservations" USING btree ("book_id","status");--> statement-breakpoint
CREATE INDEX "ledger_reservations_open_expiry_idx" ON "ledger_reservations" USING btree ("expires_at") WHERE "ledger_reservations"."status" = 'OPEN';--> statement-breakpoint
CREATE INDEX "ledger_reservations_purpose_idx" ON "ledger_reservations" USING btree ("purpose_type","purpose_id");--> statement-breakpoint
CREATE INDEX "ledger_taxed_catalogue_prefix_idx" ON "ledger_taxed_catalogue" USING btree ("hs_prefix","valid_from");