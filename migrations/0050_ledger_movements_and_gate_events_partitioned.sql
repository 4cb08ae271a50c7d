CREATE TABLE "archived_partitions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"table_name" text NOT NULL,
	"partition_name" text NOT NULL,
	"range_from" timestamp with time zone NOT NULL,
	"range_to" timestamp with time zone NOT NULL,
	"rows" bigint NOT NULL,
	"file_name" text NOT NULL,
	"bytes" bigint NOT NULL,
	"sha256" text NOT NULL,
	"archived_by" text NOT NULL,
	"archived_at" timestamp with time zone NOT NULL,
	"restored_by" text,
	"restored_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "gate_event_ids" (
	"event_id" text PRIMARY KEY NOT NULL,
	"decided_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_archived_totals" (
	"partition_name" text NOT NULL,
	"item_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"book_id" uuid NOT NULL,
	"quantity" numeric(24, 6) NOT NULL,
	"imported_cny" numeric(20, 2) NOT NULL,
	"domestic_cny" numeric(20, 2) NOT NULL,
	"hainan_made_cny" numeric(20, 2) NOT NULL,
	"movements" bigint NOT NULL,
	CONSTRAINT "ledger_archived_totals_partition_name_item_id_kind_pk" PRIMARY KEY("partition_name","item_id","kind")
);
--> statement-breakpoint
CREATE INDEX "archived_partitions_table_idx" ON "archived_partitions" USING btree ("table_name","range_from");--> statement-breakpoint
CREATE INDEX "ledger_archived_totals_book_idx" ON "ledger_archived_totals" USING btree ("book_id");--> statement-breakpoint
-- A month's partition of a table partitioned by range on a timestamptz column, created if missing (months in UTC,
-- named <table>_pYYYY_MM). Rows that arrived before their month had a partition wait in <table>_default: they are
-- moved into the new partition (the default is detached meanwhile, and its append-only trigger held off for the
-- move, which is not a change of any row). The scheduled job and the start-up call it for the coming months.
CREATE OR REPLACE FUNCTION tidegate_month_partition(parent text, col text, month timestamptz) RETURNS text AS $$
DECLARE
  m_from timestamptz := date_trunc('month', month AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
  m_to timestamptz := (date_trunc('month', month AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC';
  part text := parent || '_p' || to_char(month AT TIME ZONE 'UTC', 'YYYY_MM');
  def text := parent || '_default';
  waiting boolean;
BEGIN
  -- Processes starting together may all find the month missing: one makes it, the others then find it.
  PERFORM pg_advisory_xact_lock(hashtext('tidegate_month_partition:' || parent));
  IF to_regclass(quote_ident(part)) IS NOT NULL THEN
    RETURN part;
  END IF;
  EXECUTE format('SELECT exists (SELECT 1 FROM %I WHERE %I >= $1 AND %I < $2)', def, col, col)
    INTO waiting USING m_from, m_to;
  IF NOT waiting THEN
    EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', part, parent, m_from, m_to);
    RETURN part;
  END IF;
  EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', parent, def);
  EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', part, parent, m_from, m_to);
  EXECUTE format('INSERT INTO %I SELECT * FROM %I WHERE %I >= $1 AND %I < $2', part, def, col, col) USING m_from, m_to;
  EXECUTE format('ALTER TABLE %I DISABLE TRIGGER USER', def);
  EXECUTE format('DELETE FROM %I WHERE %I >= $1 AND %I < $2', def, col, col) USING m_from, m_to;
  EXECUTE format('ALTER TABLE %I ENABLE TRIGGER USER', def);
  EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I DEFAULT', parent, def);
  RETURN part;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
-- ledger_movements becomes partitioned by month of created_at: the new table is created beside the old one (same
-- columns, same sequence), the rows copied, the old table dropped, then the keys (now including created_at), the
-- indexes and the append-only trigger recreated.
ALTER TABLE "ledger_movements" RENAME TO "ledger_movements_unpartitioned";--> statement-breakpoint
ALTER SEQUENCE "ledger_movements_seq_seq" OWNED BY NONE;--> statement-breakpoint
CREATE TABLE "ledger_movements" (
	"seq" bigint DEFAULT nextval('ledger_movements_seq_seq') NOT NULL,
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
	CONSTRAINT "ledger_movements_quantity_ck" CHECK ("ledger_movements"."quantity" > 0),
	CONSTRAINT "ledger_movements_cost_ck" CHECK ("ledger_movements"."imported_cny" >= 0 and "ledger_movements"."domestic_cny" >= 0 and "ledger_movements"."hainan_made_cny" >= 0),
	CONSTRAINT "ledger_movements_accounts_ck" CHECK ("ledger_movements"."from_kind" <> "ledger_movements"."to_kind")
) PARTITION BY RANGE ("created_at");--> statement-breakpoint
CREATE TABLE "ledger_movements_default" PARTITION OF "ledger_movements" DEFAULT;--> statement-breakpoint
-- A partition for every month the existing rows fall in, and for this month and the next.
SELECT tidegate_month_partition('ledger_movements', 'created_at', m)
FROM generate_series(
  (SELECT date_trunc('month', least(min("created_at"), now()) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
   FROM "ledger_movements_unpartitioned"),
  now() + interval '1 month', interval '1 month') m;--> statement-breakpoint
INSERT INTO "ledger_movements" SELECT * FROM "ledger_movements_unpartitioned";--> statement-breakpoint
DROP TABLE "ledger_movements_unpartitioned";--> statement-breakpoint
ALTER SEQUENCE "ledger_movements_seq_seq" OWNED BY "ledger_movements"."seq";--> statement-breakpoint
ALTER TABLE "ledger_movements" ADD CONSTRAINT "ledger_movements_seq_created_at_pk" PRIMARY KEY("seq","created_at");--> statement-breakpoint
ALTER TABLE "ledger_movements" ADD CONSTRAINT "ledger_movements_id_unique" UNIQUE("id","created_at");--> statement-breakpoint
CREATE INDEX "ledger_movements_book_idx" ON "ledger_movements" USING btree ("book_id","seq");--> statement-breakpoint
CREATE INDEX "ledger_movements_item_idx" ON "ledger_movements" USING btree ("item_id","seq");--> statement-breakpoint
CREATE INDEX "ledger_movements_document_idx" ON "ledger_movements" USING btree ("document_id");--> statement-breakpoint
CREATE INDEX "ledger_movements_reversal_idx" ON "ledger_movements" USING btree ("reversal_of");--> statement-breakpoint
CREATE TRIGGER ledger_movements_append_only BEFORE UPDATE OR DELETE ON "ledger_movements"
  FOR EACH ROW EXECUTE FUNCTION tidegate_refuse_change();
--> statement-breakpoint
-- gate_events becomes partitioned by month of decided_at (server time: nothing arrives in a month once archived).
-- Its key must include decided_at, so that an event id is decided once is held by gate_event_ids, which the
-- trigger below fills: a second row with a known id is refused with a unique violation (as the primary key did),
-- unless it is the same row (same decided_at) coming back from its archive while it is not live.
ALTER TABLE "gate_events" RENAME TO "gate_events_unpartitioned";--> statement-breakpoint
ALTER TABLE "gate_events_unpartitioned" DROP CONSTRAINT "gate_events_pkey";--> statement-breakpoint
DROP INDEX "gate_events_port_time_idx";--> statement-breakpoint
CREATE TABLE "gate_events" (
	"event_id" text NOT NULL,
	"device_id" text NOT NULL,
	"port_code" text NOT NULL,
	"lane_code" text NOT NULL,
	"direction" text NOT NULL,
	"plate" text NOT NULL,
	"containers" jsonb NOT NULL,
	"weight_kg" numeric NOT NULL,
	"seal_state" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"request_hash" text NOT NULL,
	"decision" text NOT NULL,
	"reasons" jsonb NOT NULL,
	"release_order_id" uuid,
	"postings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"inspection_task_id" uuid,
	"source" text NOT NULL,
	"decided_at" timestamp with time zone NOT NULL,
	CONSTRAINT "gate_events_event_id_decided_at_pk" PRIMARY KEY("event_id","decided_at"),
	CONSTRAINT "gate_events_decision_ck" CHECK ("gate_events"."decision" in ('PASS', 'DIVERT'))
) PARTITION BY RANGE ("decided_at");--> statement-breakpoint
CREATE TABLE "gate_events_default" PARTITION OF "gate_events" DEFAULT;--> statement-breakpoint
SELECT tidegate_month_partition('gate_events', 'decided_at', m)
FROM generate_series(
  (SELECT date_trunc('month', least(min("decided_at"), now()) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
   FROM "gate_events_unpartitioned"),
  now() + interval '1 month', interval '1 month') m;--> statement-breakpoint
INSERT INTO "gate_events" SELECT * FROM "gate_events_unpartitioned";--> statement-breakpoint
INSERT INTO "gate_event_ids" ("event_id", "decided_at") SELECT "event_id", "decided_at" FROM "gate_events_unpartitioned";--> statement-breakpoint
DROP TABLE "gate_events_unpartitioned";--> statement-breakpoint
CREATE INDEX "gate_events_port_time_idx" ON "gate_events" USING btree ("port_code","occurred_at");--> statement-breakpoint
CREATE OR REPLACE FUNCTION gate_event_id_once() RETURNS trigger AS $$
BEGIN
  INSERT INTO "gate_event_ids" ("event_id", "decided_at") VALUES (NEW."event_id", NEW."decided_at")
    ON CONFLICT ("event_id") DO NOTHING;
  IF NOT FOUND AND NOT EXISTS (
    SELECT 1 FROM "gate_event_ids" WHERE "event_id" = NEW."event_id" AND "decided_at" = NEW."decided_at"
  ) THEN
    RAISE EXCEPTION 'gate event % was already decided', NEW."event_id"
      USING ERRCODE = 'unique_violation', CONSTRAINT = 'gate_event_ids_pkey';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER gate_events_id_once BEFORE INSERT ON "gate_events"
  FOR EACH ROW EXECUTE FUNCTION gate_event_id_once();
