/** Port codes of the platform (src/kernel/ports.ts) with their names, for labels and filters. */
export const PORT_NAMES: Record<string, [string, string]> = {
  'CNHAK-PORT': ['海口港', 'Haikou Port'],
  'CNYPG-PORT': ['洋浦港', 'Yangpu Port'],
  'CNBSP-PORT': ['八所港', 'Basuo Port'],
  'CNSYX-PORT': ['三亚港', 'Sanya Port'],
  'CNQLN-PORT': ['清澜港', 'Qinglan Port'],
  'CNHAK-XINHAI': ['海口新海港', 'Haikou Xinhai Port'],
  'CNHAK-NANGANG': ['海口南港', 'Haikou Nangang'],
  'CNHAK-MEILAN': ['海口美兰机场', 'Haikou Meilan Airport'],
  'CNSYX-PHOENIX': ['三亚凤凰机场', 'Sanya Phoenix Airport'],
  'CNQHI-BOAO': ['琼海博鳌机场', 'Qionghai Boao Airport'],
};
