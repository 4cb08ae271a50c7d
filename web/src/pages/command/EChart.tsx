/**
 * Apache ECharts, only the parts the command centre draws (this file is reached only from its
 * route chunk): bars, lines, scatter on the map, with grid, axes, legend, tooltip and the geo map.
 * SVG rendering: crisp on any screen, and the labels are text a screen reader and a test can read.
 */
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, EffectScatterChart, LineChart, MapChart, ScatterChart } from 'echarts/charts';
import {
  AriaComponent,
  GeoComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
} from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import type { EChartsCoreOption, ECElementEvent } from 'echarts/core';

echarts.use([
  BarChart,
  LineChart,
  MapChart,
  ScatterChart,
  EffectScatterChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  GeoComponent,
  MarkLineComponent,
  AriaComponent,
  SVGRenderer,
]);

export type ChartOption = EChartsCoreOption;
export type ChartClick = ECElementEvent;

export function registerMap(name: string, geoJson: object) {
  if (!echarts.getMap(name)) echarts.registerMap(name, geoJson as never);
}

export function EChart({
  option,
  onClick,
  height,
  label,
  testId,
}: {
  option: ChartOption;
  onClick?: (e: ChartClick) => void;
  height: number;
  label: string;
  testId?: string;
}) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const click = useRef(onClick);
  click.current = onClick;

  useEffect(() => {
    const c = echarts.init(el.current!, undefined, { renderer: 'svg' });
    chart.current = c;
    c.on('click', (e) => click.current?.(e as ChartClick));
    const resize = new ResizeObserver(() => c.resize());
    resize.observe(el.current!);
    return () => {
      resize.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    // Merged, not replaced: a live update moves the bars instead of redrawing the chart.
    chart.current?.setOption(option);
  }, [option]);

  return <div ref={el} className="cc-chart" style={{ height }} role="img" aria-label={label} data-testid={testId} />;
}
