-- The twelve offshore duty-free shops (离岛免税店). Reference data, so every database has it; a
-- dutyfree_shop client's scope names one of these codes: { "shop": "HAIKOU-RIYUE" }.
INSERT INTO dutyfree_shops (code, name_zh, name_en, city, operator) VALUES
  ('SANYA-PHOENIX', '中免三亚凤凰机场免税店', 'CDF Sanya Phoenix Airport Duty Free', '三亚 Sanya', '中免 CDFG'),
  ('SANYA-HAITANG', '中免三亚海棠湾国际免税城', 'CDF Sanya Haitang Bay International Duty Free City', '三亚 Sanya', '中免 CDFG'),
  ('SANYA-HAILV', '三亚海旅免税城', 'Sanya Hailv Duty Free City', '三亚 Sanya', '海旅免税 Hainan Tourism Duty Free'),
  ('SANYA-CNSC', '中服三亚国际免税购物公园', 'CNSC Sanya International Duty Free Shopping Park', '三亚 Sanya', '中服免税 China Service Duty Free'),
  ('HAIKOU-CDF', '中免海口国际免税城', 'CDF Haikou International Duty Free City', '海口 Haikou', '中免 CDFG'),
  ('HAIKOU-MEILAN-T1', '海口美兰机场T1免税店', 'Haikou Meilan Airport T1 Duty Free', '海口 Haikou', '海免 Hainan Duty Free'),
  ('HAIKOU-MEILAN-T2', '海口美兰机场T2免税店', 'Haikou Meilan Airport T2 Duty Free', '海口 Haikou', '海免 Hainan Duty Free'),
  ('HAIKOU-RIYUE', '海口日月广场免税店', 'Haikou Riyue Plaza Duty Free', '海口 Haikou', '海免 Hainan Duty Free'),
  ('HAIKOU-HAIKONG', '海控全球精品免税城', 'Hainan Development Holdings Global Premium Duty Free City', '海口 Haikou', '海控 Hainan Development Holdings'),
  ('HAIKOU-GUANLANHU', '深免海口观澜湖免税城', 'SZDF Haikou Mission Hills Duty Free City', '海口 Haikou', '深免 Shenzhen Duty Free'),
  ('QIONGHAI-BOAO', '博鳌免税店', 'Boao Duty Free', '琼海 Qionghai', '海免 Hainan Duty Free'),
  ('WANNING-WANGFUJING', '王府井国际免税港', 'Wangfujing International Duty Free Port', '万宁 Wanning', '王府井 Wangfujing');
--> statement-breakpoint
-- Departures and the facts recorded against a buyer are never edited or deleted: a ban that was
-- wrong is lifted (a new fact), a departure reported twice is one row.
CREATE TRIGGER dutyfree_departures_append_only BEFORE UPDATE OR DELETE ON "dutyfree_departures"
  FOR EACH ROW EXECUTE FUNCTION tidegate_refuse_change();
--> statement-breakpoint
CREATE TRIGGER dutyfree_buyer_facts_append_only BEFORE UPDATE OR DELETE ON "dutyfree_buyer_facts"
  FOR EACH ROW EXECUTE FUNCTION tidegate_refuse_change();
