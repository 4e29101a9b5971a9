/** A bar chart on uPlot (small, canvas) with what a canvas lacks: a title, a spoken summary and
 * the numbers as a table for screen readers, keyboard users and anyone who wants exact values. */

import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { t } from '../../app/i18n';

export interface BarSeries {
  label: string;
  values: (number | null)[];
  color: string;
}

const HEIGHT = 220;

function options(labels: string[], series: BarSeries[], width: number, unit: string, max: number | null): uPlot.Options {
  const n = series.length;
  // Side by side within each category: with two series, one left of the tick and one right.
  const aligns: (-1 | 0 | 1)[] = n === 1 ? [0] : n === 2 ? [-1, 1] : series.map(() => 0);
  return {
    width,
    height: HEIGHT,
    legend: { show: n > 1, live: false },
    cursor: { show: false },
    scales: {
      x: { time: false, range: [-0.5, labels.length - 0.5] },
      y: { range: (_u, _min, dataMax) => [0, max ?? Math.max(1, Math.ceil(dataMax * 1.15))] },
    },
    axes: [
      {
        splits: () => labels.map((_, i) => i),
        values: (_u, splits) => splits.map((i) => labels[i] ?? ''),
        size: 40,
        gap: 4,
        font: '11px system-ui, sans-serif',
      },
      { values: (_u, splits) => splits.map((v) => `${v}${unit}`), size: 48, font: '11px system-ui, sans-serif' },
    ],
    series: [
      {},
      ...series.map((s, i) => ({
        label: s.label,
        fill: s.color,
        stroke: s.color,
        width: 0,
        points: { show: false },
        paths: uPlot.paths.bars?.({ size: [n === 2 ? 0.38 : 0.6, 64], align: aligns[i] ?? 0, gap: 2 }),
      })),
    ],
  };
}

export function BarChart(props: {
  id: string;
  title: string;
  /** One sentence for screen readers: what the chart shows at a glance. */
  summary: string;
  labels: string[];
  series: BarSeries[];
  unit?: string;
  /** Fixed top of the value axis (100 for percentages); otherwise from the data. */
  max?: number;
  /** The data table (headers and rows): the exact values, one click (or Enter) away. */
  table: ComponentChildren;
  note?: ComponentChildren;
}) {
  const box = useRef<HTMLDivElement>(null);
  const { labels, series } = props;
  const key = JSON.stringify([labels, series.map((s) => s.values)]);

  useEffect(() => {
    const el = box.current;
    if (!el || labels.length === 0) return;
    const width = Math.max(280, el.clientWidth);
    const data: uPlot.AlignedData = [labels.map((_, i) => i), ...series.map((s) => s.values)];
    const plot = new uPlot(options(labels, series, width, props.unit ?? '', props.max ?? null), data, el);
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => plot.setSize({ width: Math.max(280, el.clientWidth), height: HEIGHT }));
    observer?.observe(el);
    return () => {
      observer?.disconnect();
      plot.destroy();
    };
  }, [key]);

  const titleId = `${props.id}-title`;
  return (
    <figure class="chart" aria-labelledby={titleId}>
      <figcaption id={titleId}>
        <h3>{props.title}</h3>
      </figcaption>
      {labels.length === 0 ? (
        <p class="muted">{t('dashboard.noData')}</p>
      ) : (
        <div ref={box} class="plot" role="img" aria-label={`${props.title}. ${props.summary}`} />
      )}
      {props.note}
      <details class="chart-table">
        <summary>{t('dashboard.showTable')}</summary>
        <div class="table-wrap">{props.table}</div>
      </details>
    </figure>
  );
}
