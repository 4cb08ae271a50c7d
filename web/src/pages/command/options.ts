/** ECharts options of the command centre's panels: every chart with axis names, a legend and a tooltip. */
import type { Lang } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/zh-CN.ts';
import { formatDuration, formatInt, formatPercent } from '../../format.ts';
import type { ChartOption } from './EChart.tsx';
import type { Summary } from '../../api/wire.ts';

type T = (key: MessageKey, vars?: Record<string, string | number>) => string;

export const COLORS = {
  text: '#d6e4f5',
  muted: '#9fb3c8',
  line: '#2b4a6f',
  passed: '#3ecf8e',
  diverted: '#ff6b6b',
  red: '#ff6b6b',
  yellow: '#ffc53d',
  blue: '#5aa9ff',
  violet: '#b18cff',
  land: '#16345a',
  landEdge: '#3d6a9c',
};

const axisStyle = {
  axisLine: { lineStyle: { color: COLORS.line } },
  axisLabel: { color: COLORS.muted },
  nameTextStyle: { color: COLORS.muted },
  splitLine: { lineStyle: { color: COLORS.line, type: 'dashed' as const } },
};
const base = {
  backgroundColor: 'transparent',
  textStyle: {
    fontFamily: "'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',system-ui,sans-serif",
    color: COLORS.text,
  },
  aria: { enabled: true },
  animationDurationUpdate: 400,
  legend: { top: 0, textStyle: { color: COLORS.text } },
  tooltip: {
    trigger: 'axis' as const,
    axisPointer: { type: 'shadow' as const },
    backgroundColor: '#0d2340',
    borderColor: COLORS.line,
    textStyle: { color: COLORS.text },
  },
  grid: { left: 52, right: 16, top: 48, bottom: 44 },
};

export const portName = (p: { nameZh: string; nameEn: string }, lang: Lang) => (lang === 'zh-CN' ? p.nameZh : p.nameEn);
/** Short names for crowded axes and map labels: "新海港" for 海口新海港. */
export const shortPortName = (p: { nameZh: string; nameEn: string }, lang: Lang) => {
  if (lang === 'zh-CN') return p.nameZh.replace(/^(海口|三亚|琼海)(?=.{2,})/, '');
  // "Haikou Xinhai Port" → "Xinhai", but "Haikou Port" → "Haikou".
  const words = p.nameEn.replace(/ (Port|Airport)$/, '').split(' ');
  return words.length > 1 ? words.slice(1).join(' ') : words[0]!;
};

function hourly(
  t: T,
  hours: { label: string }[],
  series: { id: string; name: string; color: string; data: number[] }[],
  yName: string,
): ChartOption {
  return {
    ...base,
    xAxis: {
      type: 'category',
      name: t('command.axis.hour'),
      nameLocation: 'middle',
      nameGap: 28,
      data: hours.map((h) => h.label),
      ...axisStyle,
      axisLabel: { color: COLORS.muted, interval: 2 },
    },
    yAxis: { type: 'value', name: yName, minInterval: 1, ...axisStyle },
    series: series.map((s) => ({
      id: s.id,
      name: s.name,
      type: 'bar',
      stack: 'total',
      itemStyle: { color: s.color },
      emphasis: { focus: 'series' },
      data: s.data,
    })),
  };
}

export function gateFlowOption(s: Summary, t: T): ChartOption {
  return hourly(
    t,
    s.gateHours,
    [
      { id: 'PASS', name: t('command.series.passed'), color: COLORS.passed, data: s.gateHours.map((h) => h.passed) },
      {
        id: 'DIVERT',
        name: t('command.series.diverted'),
        color: COLORS.diverted,
        data: s.gateHours.map((h) => h.diverted),
      },
    ],
    t('command.axis.trucks'),
  );
}

export function alertsOption(s: Summary, t: T): ChartOption {
  return hourly(
    t,
    s.alerts.hours,
    [
      { id: 'RED', name: t('command.series.red'), color: COLORS.red, data: s.alerts.hours.map((h) => h.red) },
      {
        id: 'YELLOW',
        name: t('command.series.yellow'),
        color: COLORS.yellow,
        data: s.alerts.hours.map((h) => h.yellow),
      },
    ],
    t('command.axis.count'),
  );
}

export function declarationsOption(s: Summary, t: T): ChartOption {
  const colors: Record<string, string> = {
    HELD: COLORS.yellow,
    REJECTED: COLORS.red,
    EXITED: COLORS.passed,
    RELEASED: '#2bb3a3',
    CANCELLED: '#7d8fa6',
    AMENDED: '#7d8fa6',
  };
  return {
    ...base,
    tooltip: { ...base.tooltip },
    legend: { show: false },
    grid: { ...base.grid, left: 96, bottom: 36 },
    xAxis: {
      type: 'value',
      name: t('command.axis.declarations'),
      nameLocation: 'middle',
      nameGap: 24,
      minInterval: 1,
      ...axisStyle,
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: s.declarations.byState.map((x) => t(`decl.state.${x.state}` as MessageKey)),
      ...axisStyle,
    },
    series: [
      {
        id: 'declarations',
        name: t('command.axis.declarations'),
        type: 'bar',
        data: s.declarations.byState.map((x) => ({
          value: x.count,
          itemStyle: { color: colors[x.state] ?? COLORS.blue },
        })),
        label: { show: true, position: 'right', color: COLORS.text },
      },
    ],
  };
}

export const AGE_ORDER = ['lt1h', '1to4h', '4to24h', '1to3d', 'gt3d'] as const;

export function backlogOption(s: Summary, t: T): ChartOption {
  const statuses = [
    ['open', 'OPEN', COLORS.red],
    ['assigned', 'ASSIGNED', COLORS.yellow],
    ['inProgress', 'IN_PROGRESS', COLORS.blue],
  ] as const;
  return {
    ...base,
    grid: { ...base.grid, bottom: 36 },
    xAxis: {
      type: 'category',
      data: s.inspections.byAge.map((b) => t(`command.age.${b.bucket}` as MessageKey)),
      ...axisStyle,
    },
    yAxis: { type: 'value', name: t('command.axis.tasks'), minInterval: 1, ...axisStyle },
    series: statuses.map(([field, status, color]) => ({
      id: status,
      name: t(`command.task.${status}`),
      type: 'bar',
      stack: 'tasks',
      itemStyle: { color },
      data: s.inspections.byAge.map((b) => b[field]),
    })),
  };
}

export function clearanceOption(s: Summary, t: T, lang: Lang): ChartOption {
  const ports = s.ports.map((p) => ({ ...p, c: s.clearance.ports.find((c) => c.code === p.code)! }));
  const hours = (v: number | null) => (v === null ? null : Math.round((v / 3600) * 100) / 100);
  return {
    ...base,
    tooltip: {
      ...base.tooltip,
      valueFormatter: (v: unknown) =>
        v === null || v === undefined || v === '-' ? '—' : formatDuration(Math.round(Number(v) * 3600), lang),
    },
    grid: { ...base.grid, bottom: 56 },
    xAxis: {
      type: 'category',
      data: ports.map((p) => shortPortName(p, lang)),
      ...axisStyle,
      axisLabel: { color: COLORS.muted, interval: 0, rotate: 30 },
    },
    yAxis: { type: 'value', name: t('command.axis.hours'), ...axisStyle },
    series: [
      {
        id: 'releaseP50',
        name: t('command.series.releaseP50'),
        type: 'bar',
        itemStyle: { color: COLORS.blue },
        data: ports.map((p) => hours(p.c.releaseP50)),
      },
      {
        id: 'exitP50',
        name: t('command.series.exitP50'),
        type: 'bar',
        itemStyle: { color: COLORS.passed },
        data: ports.map((p) => hours(p.c.exitP50)),
      },
      {
        id: 'exitP90',
        name: t('command.series.exitP90'),
        type: 'bar',
        itemStyle: { color: COLORS.yellow },
        data: ports.map((p) => hours(p.c.exitP90)),
      },
    ],
  };
}

export function trendOption(s: Summary, t: T, lang: Lang): ChartOption {
  const hours = (v: number | null) => (v === null ? null : Math.round((v / 3600) * 100) / 100);
  return {
    ...base,
    tooltip: {
      ...base.tooltip,
      axisPointer: { type: 'line' },
      valueFormatter: (v: unknown) =>
        v === null || v === undefined || v === '-' ? '—' : formatDuration(Math.round(Number(v) * 3600), lang),
    },
    xAxis: { type: 'category', data: s.clearance.trend.map((d) => d.day.slice(5)), ...axisStyle },
    yAxis: { type: 'value', name: t('command.axis.hours'), ...axisStyle },
    series: [
      {
        id: 'p50',
        name: t('command.series.exitP50'),
        type: 'line',
        connectNulls: true,
        symbolSize: 7,
        itemStyle: { color: COLORS.passed },
        data: s.clearance.trend.map((d) => hours(d.exitP50)),
      },
      {
        id: 'p90',
        name: t('command.series.exitP90'),
        type: 'line',
        connectNulls: true,
        symbolSize: 7,
        itemStyle: { color: COLORS.yellow },
        data: s.clearance.trend.map((d) => hours(d.exitP90)),
      },
    ],
  };
}

export function creditOption(s: Summary, t: T, lang: Lang): ChartOption {
  const rate = (part: number, whole: number) => (whole ? Math.round((part / whole) * 10000) / 100 : 0);
  const classes = s.credit.classes;
  return {
    ...base,
    tooltip: {
      ...base.tooltip,
      formatter: (items: { dataIndex: number; seriesName: string; marker: string; value: number }[]) => {
        const c = classes[items[0]!.dataIndex]!;
        const lines = [
          `${t(`class.${c.creditClass}` as MessageKey)} · ` +
            t('command.credit.assessed', { n: formatInt(c.assessed, lang) }),
        ];
        lines.push(
          `${items[0]!.marker}${t('command.series.inspectionRate')} ` +
            `${formatPercent(c.selected, c.assessed, lang)} (${formatInt(c.selected, lang)})`,
        );
        lines.push(
          `${items[1]?.marker ?? ''}${t('command.series.hitRate')} ${formatPercent(c.hits, c.outcomes, lang)} ` +
            `(${formatInt(c.hits, lang)} / ${formatInt(c.outcomes, lang)})`,
        );
        return lines.join('<br/>');
      },
    },
    xAxis: {
      type: 'category',
      data: classes.map((c) => t(`class.${c.creditClass}` as MessageKey)),
      ...axisStyle,
      axisLabel: { color: COLORS.muted, interval: 0, width: 90, overflow: 'break' },
    },
    yAxis: {
      type: 'value',
      name: '%',
      max: (v: { max: number }) => Math.max(10, Math.ceil(v.max / 10) * 10),
      ...axisStyle,
    },
    series: [
      {
        id: 'inspection',
        name: t('command.series.inspectionRate'),
        type: 'bar',
        itemStyle: { color: COLORS.blue },
        label: { show: true, position: 'top', color: COLORS.text, formatter: '{c}%' },
        data: classes.map((c) => rate(c.selected, c.assessed)),
      },
      {
        id: 'hit',
        name: t('command.series.hitRate'),
        type: 'bar',
        itemStyle: { color: COLORS.violet },
        label: { show: true, position: 'top', color: COLORS.text, formatter: '{c}%' },
        data: classes.map((c) => rate(c.hits, c.outcomes)),
      },
    ],
  };
}

const reducedMotion = () =>
  typeof window !== 'undefined' && window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;

/** Where each port's label sits, so the four Haikou ports do not write over each other. */
const LABEL_SIDE: Record<string, string> = {
  'CNHAK-XINHAI': 'left',
  'CNHAK-NANGANG': 'top',
  'CNHAK-PORT': 'top',
  'CNHAK-MEILAN': 'right',
  'CNYPG-PORT': 'left',
  'CNBSP-PORT': 'left',
  'CNSYX-PORT': 'bottom',
  'CNSYX-PHOENIX': 'left',
  'CNQLN-PORT': 'right',
  'CNQHI-BOAO': 'right',
};
const LABEL_OFFSET: Record<string, [number, number]> = { 'CNHAK-NANGANG': [-6, -14], 'CNHAK-PORT': [26, -34] };

export function mapOption(s: Summary, t: T, lang: Lang): ChartOption {
  const most = Math.max(1, ...s.ports.map((p) => p.passed + p.diverted));
  const data = s.ports.map((p) => ({
    name: portName(p, lang),
    code: p.code,
    value: [p.location[0], p.location[1], p.passed + p.diverted],
    symbolSize: 10 + 26 * Math.sqrt((p.passed + p.diverted) / most),
    itemStyle: {
      color: p.diverted > 0 ? COLORS.yellow : COLORS.passed,
      borderColor: p.queue > 0 ? COLORS.red : '#ffffff',
      borderWidth: p.queue > 0 ? 3 : 1,
    },
    label: {
      show: true,
      position: LABEL_SIDE[p.code] ?? 'right',
      offset: LABEL_OFFSET[p.code] ?? [0, 0],
      formatter:
        `{n|${shortPortName(p, lang)}}\n` +
        `{v|${formatInt(p.passed, lang)} / ${formatInt(p.diverted, lang)} / ${formatInt(p.queue, lang)}}`,
      rich: {
        n: { color: COLORS.text, fontSize: 12, fontWeight: 'bold' as const, lineHeight: 16 },
        v: { color: COLORS.muted, fontSize: 11, lineHeight: 14 },
      },
      backgroundColor: 'rgba(8, 24, 44, 0.72)',
      padding: [2, 4],
      borderRadius: 3,
    },
  }));
  return {
    backgroundColor: 'transparent',
    aria: { enabled: true },
    textStyle: base.textStyle,
    tooltip: {
      trigger: 'item',
      backgroundColor: '#0d2340',
      borderColor: COLORS.line,
      textStyle: { color: COLORS.text },
      formatter: (e: { componentType: string; seriesType?: string; name: string; dataIndex: number }) => {
        if (e.seriesType !== 'effectScatter' && e.seriesType !== 'scatter') return e.name;
        const p = s.ports[e.dataIndex]!;
        return [
          `<b>${portName(p, lang)}</b>`,
          `${t('command.col.passed')} ${formatInt(p.passed, lang)}`,
          `${t('command.col.diverted')} ${formatInt(p.diverted, lang)}`,
          `${t('command.col.queue')} ${formatInt(p.queue, lang)}`,
        ].join('<br/>');
      },
    },
    geo: {
      map: 'hainan',
      // The main island, where the ten ports are (the province's South China Sea islands are in the
      // data, off this view).
      boundingCoords: [
        [108.45, 20.25],
        [111.25, 18.05],
      ],
      // Room above the north shore for the Haikou ports' labels.
      top: 40,
      bottom: 12,
      left: 'center',
      roam: true,
      scaleLimit: { min: 0.8, max: 6 },
      // The divisions' names come with the geometry, in Chinese: shown on the Chinese screen only.
      label: { show: lang === 'zh-CN', color: 'rgba(214, 228, 245, 0.45)', fontSize: 10 },
      itemStyle: { areaColor: COLORS.land, borderColor: COLORS.landEdge, borderWidth: 1 },
      emphasis: { label: { color: COLORS.text }, itemStyle: { areaColor: '#1f4676' } },
      select: { disabled: true },
    },
    series: [
      {
        id: 'ports',
        name: t('command.map'),
        type: reducedMotion() ? 'scatter' : 'effectScatter',
        coordinateSystem: 'geo',
        rippleEffect: { scale: 2.2, brushType: 'stroke' },
        labelLayout: { moveOverlap: 'shiftY' },
        data,
        zlevel: 1,
      },
    ],
  };
}
