-- The account book is append-only: a movement, a posting, a document line or a catalogue version is
-- never edited or deleted; a correction is a reversal (a new document pointing at the original).
CREATE TRIGGER ledger_movements_append_only BEFORE UPDATE OR DELETE ON "ledger_movements"
  FOR EACH ROW EXECUTE FUNCTION tidegate_refuse_change();
--> statement-breakpoint
CREATE TRIGGER ledger_postings_append_only BEFORE UPDATE OR DELETE ON "ledger_postings"
  FOR EACH ROW EXECUTE FUNCTION tidegate_refuse_change();
--> statement-breakpoint
CREATE TRIGGER ledger_document_lines_append_only BEFORE UPDATE OR DELETE ON "ledger_document_lines"
  FOR EACH ROW EXECUTE FUNCTION tidegate_refuse_change();
--> statement-breakpoint
CREATE TRIGGER ledger_taxed_catalogue_append_only BEFORE UPDATE OR DELETE ON "ledger_taxed_catalogue"
  FOR EACH ROW EXECUTE FUNCTION tidegate_refuse_change();
--> statement-breakpoint
-- A document's content is fixed once filed: only the decision on a pending adjustment may be recorded.
CREATE OR REPLACE FUNCTION ledger_document_content_fixed() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'ledger documents are never deleted; reverse them' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF OLD.status <> 'PENDING_APPROVAL' OR (NEW.id, NEW.book_id, NEW.type, NEW.content_hash, NEW.body, NEW.created_by, NEW.created_at, NEW.business_date)
     IS DISTINCT FROM (OLD.id, OLD.book_id, OLD.type, OLD.content_hash, OLD.body, OLD.created_by, OLD.created_at, OLD.business_date) THEN
    RAISE EXCEPTION 'a ledger document is immutable once decided; file a reversal' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER ledger_documents_fixed BEFORE UPDATE OR DELETE ON "ledger_documents"
  FOR EACH ROW EXECUTE FUNCTION ledger_document_content_fixed();
--> statement-breakpoint
-- A realistic sample of the taxed catalogue (进口征税商品目录) by HS heading, in force from closure;
-- administrators load the full catalogue as CSV (tidegate ledger catalogue import).
INSERT INTO "ledger_taxed_catalogue" ("hs_prefix", "description", "valid_from", "source", "batch_id", "loaded_by", "loaded_at") VALUES
  ('2203', '啤酒 beer made from malt', '2025-12-18', 'sample', '00000000-0000-7000-8000-000000000001', 'system:migration', now()),
  ('2204', '葡萄酒 wine of fresh grapes', '2025-12-18', 'sample', '00000000-0000-7000-8000-000000000001', 'system:migration', now()),
  ('2208', '蒸馏酒 spirits, liqueurs', '2025-12-18', 'sample', '00000000-0000-7000-8000-000000000001', 'system:migration', now()),
  ('2402', '卷烟 cigars, cigarettes', '2025-12-18', 'sample', '00000000-0000-7000-8000-000000000001', 'system:migration', now()),
  ('2403', '其他烟草 other manufactured tobacco', '2025-12-18', 'sample', '00000000-0000-7000-8000-000000000001', 'system:migration', now()),
  ('3303', '香水 perfumes and toilet waters', '2025-12-18', 'sample', '00000000-0000-7000-8000-000000000001', 'system:migration', now()),
  ('3304', '美容化妆品 beauty and make-up preparations', '2025-12-18', 'sample', '00000000-0000-7000-8000-000000000001', 'system:migration', now()),
  ('7113', '首饰 articles of jewellery', '2025-12-18', 'sample', '00000000-0000-7000-8000-000000000001', 'system:migration', now()),
  ('8517', '手机 telephone sets, smartphones', '2025-12-18', 'sample', '00000000-0000-7000-8000-000000000001', 'system:migration', now()),
  ('8703', '小汽车 motor cars for passengers', '2025-12-18', 'sample', '00000000-0000-7000-8000-000000000001', 'system:migration', now()),
  ('8711', '摩托车 motorcycles', '2025-12-18', 'sample', '00000000-0000-7000-8000-000000000001', 'system:migration', now()),
  ('9101', '贵金属表 watches with precious-metal cases', '2025-12-18', 'sample', '00000000-0000-7000-8000-000000000001', 'system:migration', now());
