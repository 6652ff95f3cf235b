// A synthetic CIFAR-like dataset for machines without CIFAR-10: 32×32 images of ten procedurally drawn
// classes. Each class has its own shape or pattern and its own hue; position, size, phase, colours and
// pixel noise vary per image, so the task is easy to learn but not a lookup. Deterministic by seed.
import { emptyDataset, IMAGE_BYTES, IMAGE_SIDE, PLANE_BYTES, type CifarDataset } from './format.ts';
import { seededRandom, type Random } from '@onnx-edge/core';

interface Geometry {
  cx: number;
  cy: number;
  r: number;
  phase: number;
}

type Painter = (x: number, y: number, g: Geometry) => boolean;

/** Class name → "is pixel (x, y) foreground?", in label order. */
const PAINTERS: [string, Painter][] = [
  ['circle', (x, y, g) => Math.hypot(x - g.cx, y - g.cy) < g.r],
  ['square', (x, y, g) => Math.max(Math.abs(x - g.cx), Math.abs(y - g.cy)) < g.r * 0.8],
  ['triangle', (x, y, g) => y - g.cy < g.r && y - g.cy > -g.r && Math.abs(x - g.cx) < (y - g.cy + g.r) / 2],
  ['cross', (x, y, g) => {
    const [dx, dy] = [Math.abs(x - g.cx), Math.abs(y - g.cy)];
    return (dx < g.r / 3 && dy < g.r) || (dy < g.r / 3 && dx < g.r);
  }],
  ['ring', (x, y, g) => {
    const d = Math.hypot(x - g.cx, y - g.cy);
    return d < g.r && d > g.r * 0.55;
  }],
  ['stripes-h', (_x, y, g) => Math.floor((y + g.phase) / 3) % 2 === 0],
  ['stripes-v', (x, _y, g) => Math.floor((x + g.phase) / 3) % 2 === 0],
  ['checker', (x, y, g) => (Math.floor((x + g.phase) / 4) + Math.floor((y + g.phase) / 4)) % 2 === 0],
  ['diagonal', (x, y, g) => Math.floor((x + y + g.phase) / 4) % 2 === 0],
  ['dots', (x, y, g) => (x + g.phase) % 6 < 2 && (y + g.phase) % 6 < 2],
];

export const SYNTHETIC_CLASS_NAMES = PAINTERS.map(([name]) => name);

/** HSV (h in degrees) → RGB bytes. */
function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  const f = (n: number) => {
    const k = (n + h / 60) % 6;
    return Math.round(255 * (v - v * s * Math.max(0, Math.min(k, 4 - k, 1))));
  };
  return [f(5), f(3), f(1)];
}

const between = (random: Random, lo: number, hi: number) => lo + random() * (hi - lo);

function drawImage(label: number, random: Random, out: Uint8Array, offset: number): void {
  const painter = PAINTERS[label]![1];
  const g: Geometry = { cx: between(random, 10, 22), cy: between(random, 10, 22), r: between(random, 6, 11), phase: Math.floor(between(random, 0, 6)) };
  const fg = hsvToRgb((label * 36 + between(random, -12, 12) + 360) % 360, between(random, 0.6, 1), between(random, 0.7, 1));
  const bg = [0, 1, 2].map(() => Math.floor(between(random, 0, 90)));
  for (let y = 0; y < IMAGE_SIDE; y++) {
    for (let x = 0; x < IMAGE_SIDE; x++) {
      const colour = painter(x, y, g) ? fg : bg;
      for (let c = 0; c < 3; c++) {
        const noisy = colour[c]! + between(random, -16, 16);
        out[offset + c * PLANE_BYTES + y * IMAGE_SIDE + x] = Math.max(0, Math.min(255, Math.round(noisy)));
      }
    }
  }
}

export interface SyntheticOptions {
  count: number;
  seed?: number;
}

/** `count` images, classes in turn (0,1,…,9,0,…) so every class has count/10 (±1) records. */
export function syntheticCifar(options: SyntheticOptions): CifarDataset {
  const { count } = options;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`syntheticCifar: count must be a positive integer, got ${count}`);
  const random = seededRandom(options.seed ?? 0);
  const dataset = emptyDataset(count, [...SYNTHETIC_CLASS_NAMES]);
  for (let i = 0; i < count; i++) {
    const label = i % PAINTERS.length;
    dataset.labels[i] = label;
    drawImage(label, random, dataset.images, i * IMAGE_BYTES);
  }
  dataset.files.push({ name: `synthetic(seed=${options.seed ?? 0})`, records: count });
  return dataset;
}
