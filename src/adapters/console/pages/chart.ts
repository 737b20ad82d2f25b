import type { DailyPaid } from '../../../application/ports/order-statistics.js';
import { beijingDay, yuan } from '../format.js';
import { html, type Html } from '../html.js';

const WIDTH = 900;
const HEIGHT = 220;
const PLOT = { left: 64, right: 8, top: 12, bottom: 28 } as const;

/** A "nice" axis maximum ≥ max: 1, 2 or 5 × a power of ten, in fen. */
function axisMax(maxFen: number): number {
  let step = 100;
  for (;;) {
    for (const m of [1, 2, 5]) if (step * m >= maxFen) return step * m;
    step *= 10;
  }
}

/**
 * Paid amount per day as an inline SVG bar chart, drawn on the server: no script, no external image, nothing the
 * Content-Security-Policy has to allow. Heights are whole pixels computed from fen with integer arithmetic; each bar's
 * <title> gives the exact figures.
 */
export function paidChart(days: readonly DailyPaid[], today: number, label: string): Html {
  const top = axisMax(Math.max(100, ...days.map((d) => d.cashFen)));
  const plotWidth = WIDTH - PLOT.left - PLOT.right;
  const plotHeight = HEIGHT - PLOT.top - PLOT.bottom;
  const slot = Math.floor(plotWidth / Math.max(1, days.length));
  const barWidth = Math.max(2, slot - 4);
  const baseline = PLOT.top + plotHeight;
  const bars = days.map((d, i) => {
    const h = Math.floor((d.cashFen * plotHeight) / top);
    const x = PLOT.left + i * slot + 2;
    return html`<rect class="bar${d.day === today ? ' today' : ''}" x="${x}" y="${baseline - h}" width="${barWidth}" height="${h}"
      ><title>${beijingDay(d.day)}: ${yuan(d.cashFen)} (${d.count})</title></rect
    >`;
  });
  const ticks = [0, 1, 2, 3, 4].map((k) => {
    const y = baseline - Math.floor((plotHeight * k) / 4);
    return html`<line class="axis" x1="${PLOT.left - 4}" x2="${PLOT.left}" y1="${y}" y2="${y}" /><text
        x="${PLOT.left - 8}"
        y="${y + 4}"
        text-anchor="end"
        >${yuan(Math.floor((top * k) / 4))}</text
      >`;
  });
  const dates = days
    .map((d, i) => [d, i] as const)
    .filter(([, i]) => i % 5 === 0 || i === days.length - 1)
    .map(
      ([d, i]) =>
        html`<text x="${PLOT.left + i * slot + Math.floor(slot / 2)}" y="${HEIGHT - 8}" text-anchor="middle"
          >${beijingDay(d.day).slice(5)}</text
        >`,
    );
  return html`<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${label}">
    <line class="axis" x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${baseline}" y2="${baseline}" />
    <line class="axis" x1="${PLOT.left}" x2="${PLOT.left}" y1="${PLOT.top}" y2="${baseline}" />
    ${ticks}${bars}${dates}
  </svg>`;
}
