// The tutorial's plot as a standalone SVG: two panels side by side, accuracy and loss per epoch, training
// (solid) vs validation (dashed), with axes, ticks and a legend.
import type { EpochRecord } from './history.ts';

const PANEL_WIDTH = 420;
const PANEL_HEIGHT = 300;
const MARGIN = { left: 56, right: 16, top: 36, bottom: 66 };
const COLORS = { training: '#1f77b4', validation: '#ff7f0e' };

interface Series {
  label: string;
  color: string;
  dashed: boolean;
  values: number[];
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** About five round tick values covering [min, max]. */
function ticks(min: number, max: number): number[] {
  const span = max - min || 1;
  const rough = span / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? magnitude * 10;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function panel(title: string, epochs: number[], series: Series[], offsetX: number): string {
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  let low = Math.min(...all);
  let high = Math.max(...all);
  if (!(high > low)) {
    low -= 0.5;
    high += 0.5;
  }
  const pad = (high - low) * 0.05;
  [low, high] = [low - pad, high + pad];
  // A single epoch sits in the middle of the axis rather than on its edge.
  const single = epochs.length === 1;
  const firstEpoch = (epochs[0] ?? 1) - (single ? 1 : 0);
  const lastEpoch = Math.max(epochs[epochs.length - 1] ?? 1, firstEpoch + 1) + (single ? 1 : 0);
  const plotW = PANEL_WIDTH - MARGIN.left - MARGIN.right;
  const plotH = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (epoch: number) => offsetX + MARGIN.left + ((epoch - firstEpoch) / (lastEpoch - firstEpoch)) * plotW;
  const y = (v: number) => MARGIN.top + (1 - (v - low) / (high - low)) * plotH;

  const parts: string[] = [`<g class="panel" data-metric="${escapeXml(title.toLowerCase())}">`];
  parts.push(`<text x="${offsetX + PANEL_WIDTH / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`);
  parts.push(`<rect x="${offsetX + MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  for (const v of ticks(low, high)) {
    const ty = y(v).toFixed(1);
    parts.push(`<line x1="${offsetX + MARGIN.left}" x2="${offsetX + MARGIN.left + plotW}" y1="${ty}" y2="${ty}" stroke="#ddd"/>`);
    parts.push(`<text x="${offsetX + MARGIN.left - 6}" y="${ty}" text-anchor="end" dominant-baseline="middle" font-size="11">${Number(v.toPrecision(4))}</text>`);
  }
  const epochTicks = single ? epochs : ticks(firstEpoch, lastEpoch).filter((e) => Number.isInteger(e));
  for (const e of epochTicks) {
    parts.push(`<text x="${x(e).toFixed(1)}" y="${MARGIN.top + plotH + 16}" text-anchor="middle" font-size="11">${e}</text>`);
  }
  parts.push(`<text x="${offsetX + MARGIN.left + plotW / 2}" y="${MARGIN.top + plotH + 32}" text-anchor="middle" font-size="12">epoch</text>`);
  series.forEach((s, i) => {
    const points = s.values.map((v, j) => `${x(epochs[j]!).toFixed(1)},${y(v).toFixed(1)}`);
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    if (points.length > 1) parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2"${dash} points="${points.join(' ')}"/>`);
    for (const p of points) {
      const [cx, cy] = p.split(',');
      parts.push(`<circle cx="${cx}" cy="${cy}" r="3" fill="${s.color}"/>`);
    }
    // Legend under the axis label, one entry per series side by side, so it never covers a curve.
    const ly = PANEL_HEIGHT - 10;
    const lx = offsetX + MARGIN.left + i * (plotW / 2);
    parts.push(`<line x1="${lx}" x2="${lx + 24}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${dash}/>`);
    parts.push(`<text x="${lx + 30}" y="${ly}" dominant-baseline="middle" font-size="12">${escapeXml(s.label)}</text>`);
  });
  parts.push('</g>');
  return parts.join('\n');
}

export function curvesSvg(epochs: EpochRecord[], title: string): string {
  const numbers = epochs.map((e) => e.epoch);
  const accuracy = panel('Accuracy', numbers, [
    { label: 'Training Accuracy', color: COLORS.training, dashed: false, values: epochs.map((e) => e.accuracy) },
    { label: 'Validation Accuracy', color: COLORS.validation, dashed: true, values: epochs.map((e) => e.val_accuracy) },
  ], 0);
  const loss = panel('Loss', numbers, [
    { label: 'Training Loss', color: COLORS.training, dashed: false, values: epochs.map((e) => e.loss) },
    { label: 'Validation Loss', color: COLORS.validation, dashed: true, values: epochs.map((e) => e.val_loss) },
  ], PANEL_WIDTH);
  const width = PANEL_WIDTH * 2;
  const height = PANEL_HEIGHT;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    accuracy,
    loss,
    '</svg>',
    '',
  ].join('\n');
}
