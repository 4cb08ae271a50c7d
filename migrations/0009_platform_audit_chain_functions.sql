-- Partitioned audit chain: place the entries written while the log was one chain, then make the
-- partition positions unique and the new tables append-only. See
-- docs/decisions/0005-partitioned-audit-chain.md.

-- Entries from before partitioning are the start of partition 0: position = their old gap-free seq,
-- format 1 (their original hash formula). This is the only time the append-only trigger steps aside,
-- inside the migration's own transaction, to fill the two new columns; no content or hash changes.
ALTER TABLE "audit_entries" DISABLE TRIGGER audit_entries_append_only;
--> statement-breakpoint
UPDATE "audit_entries" SET "pseq" = "seq" WHERE "format" = 1 AND "pseq" = 0;
--> statement-breakpoint
ALTER TABLE "audit_entries" ENABLE TRIGGER audit_entries_append_only;
--> statement-breakpoint
SELECT setval('audit_entries_seq', (SELECT max("seq") FROM "audit_entries")) WHERE EXISTS (SELECT 1 FROM "audit_entries");
--> statement-breakpoint
CREATE UNIQUE INDEX "audit_entries_partition_pseq_idx" ON "audit_entries" ("partition", "pseq");
--> statement-breakpoint
ALTER TABLE "audit_entries" ADD CONSTRAINT "audit_entries_position" CHECK ("partition" >= 0 AND "pseq" >= 1);
--> statement-breakpoint
ALTER TABLE "audit_entries" ADD CONSTRAINT "audit_entries_format" CHECK ("format" IN (1, 2));
--> statement-breakpoint
CREATE TRIGGER audit_partitioning_append_only BEFORE UPDATE OR DELETE ON "audit_partitioning"
  FOR EACH ROW EXECUTE FUNCTION tidegate_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_anchors_append_only BEFORE UPDATE OR DELETE ON "audit_anchors"
  FOR EACH ROW EXECUTE FUNCTION tidegate_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_anchor_heads_append_only BEFORE UPDATE OR DELETE ON "audit_anchor_heads"
  FOR EACH ROW EXECUTE FUNCTION tidegate_refuse_change();
--> statement-breakpoint
-- A head only ever moves to the next position of its own partition: no skipping, no going back.
CREATE OR REPLACE FUNCTION tidegate_audit_head_moves_by_one() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'audit heads are never deleted' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF NEW.partition <> OLD.partition OR NEW.pseq <> OLD.pseq + 1 THEN
    RAISE EXCEPTION 'audit head of partition % may only move from % to %, not to %:%', OLD.partition, OLD.pseq, OLD.pseq + 1, NEW.partition, NEW.pseq
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER audit_heads_move_by_one BEFORE UPDATE OR DELETE ON "audit_heads"
  FOR EACH ROW EXECUTE FUNCTION tidegate_audit_head_moves_by_one();
--> statement-breakpoint
-- Outbox visibility without a global lock (src/platform/outbox/horizon.ts). A fence is the last id
-- drawn from a sequence, then a fresh transaction id, in that order: every transaction that drew an
-- id up to last_id already had a transaction id (writers take theirs before drawing), so it is older
-- than the fence. Once no transaction older than the fence is running, every id up to last_id has
-- committed or never will. Must run outside a writing transaction, or the "fresh" id would be old.
CREATE OR REPLACE FUNCTION tidegate_sequence_fence(seq regclass, OUT last_id bigint, OUT fence xid8) AS $$
BEGIN
  IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
    RAISE EXCEPTION 'take a sequence fence outside a writing transaction';
  END IF;
  last_id := coalesce(pg_sequence_last_value(seq), 0);
  fence := pg_current_xact_id();
END;
$$ LANGUAGE plpgsql VOLATILE;
--> statement-breakpoint
-- True once no transaction older than the fence is running. The oldest running transaction of the
-- whole server (snapshot xmin) answers at once when it is newer; otherwise only this database's
-- sessions and prepared transactions count, so a long transaction in another database on the same
-- server does not hold our readers back. 32-bit xids are compared by age (wraparound-safe).
CREATE OR REPLACE FUNCTION tidegate_fence_settled(fence xid8) RETURNS boolean AS $$
  SELECT CASE
    WHEN pg_snapshot_xmin(pg_current_snapshot()) > fence THEN true
    ELSE NOT EXISTS (
        SELECT 1 FROM pg_stat_activity a
        WHERE a.datname = current_database() AND a.backend_xid IS NOT NULL
          AND age(a.backend_xid) > age(((fence::text::numeric % 4294967296)::text)::xid))
      AND NOT EXISTS (
        SELECT 1 FROM pg_prepared_xacts p
        WHERE p.database = current_database()
          AND age(p.transaction) > age(((fence::text::numeric % 4294967296)::text)::xid))
  END
$$ LANGUAGE sql VOLATILE;
