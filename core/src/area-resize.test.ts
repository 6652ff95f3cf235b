import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AreaResizer, resizeByArea, type ResizeTarget } from './area-resize.ts';

const IMAGE_SIZE = 32;
const RGB32: ResizeTarget = { width: IMAGE_SIZE, height: IMAGE_SIZE, channels: 3 };
const toRgb32 = (pixels: Uint8Array, width: number, height: number, channels: 3 | 4) => resizeByArea(pixels, width, height, channels, RGB32);

function randomImage(width: number, height: number, channels: 3 | 4, seed: number): Uint8Array {
  let state = seed;
  return Uint8Array.from({ length: width * height * channels }, () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return state >>> 24;
  });
}

/** The definition, evaluated directly: the covered area of every input pixel under every output pixel. */
function reference(pixels: Uint8Array, width: number, height: number, channels: number, target: ResizeTarget = RGB32): number[] {
  const overlap = (o: number, i: number, size: number, outSize: number) => {
    const from = (o * size) / outSize;
    const to = ((o + 1) * size) / outSize;
    return Math.max(0, Math.min(i + 1, to) - Math.max(i, from));
  };
  const out: number[] = [];
  for (let oy = 0; oy < target.height; oy++) {
    for (let ox = 0; ox < target.width; ox++) {
      for (let c = 0; c < target.channels; c++) {
        let sum = 0;
        for (let y = 0; y < height; y++) {
          const wy = overlap(oy, y, height, target.height);
          if (wy === 0) continue;
          for (let x = 0; x < width; x++) sum += wy * overlap(ox, x, width, target.width) * (c < channels ? pixels[(y * width + x) * channels + c]! : 255);
        }
        out.push(sum / ((width / target.width) * (height / target.height)));
      }
    }
  }
  return out;
}

test('a 32×32 image comes out unchanged (alpha dropped)', () => {
  const rgba = randomImage(IMAGE_SIZE, IMAGE_SIZE, 4, 1);
  const rgb = rgba.filter((_, i) => i % 4 !== 3);
  assert.deepEqual(toRgb32(rgba, IMAGE_SIZE, IMAGE_SIZE, 4), rgb);
});

test('a flat image stays flat at any size, smaller or larger than 32×32', () => {
  for (const [width, height] of [[97, 61], [7, 5], [33, 1000], [1, 1]] as const) {
    const pixels = Uint8Array.from({ length: width * height * 3 }, (_, i) => [10, 200, 77][i % 3]!);
    const out = toRgb32(pixels, width, height, 3);
    assert.deepEqual(out, Uint8Array.from({ length: IMAGE_SIZE * IMAGE_SIZE * 3 }, (_, i) => [10, 200, 77][i % 3]!), `${width}x${height}`);
  }
});

test('halving: every output pixel is the rounded mean of its 2×2 block', () => {
  const pixels = randomImage(64, 64, 3, 2);
  const out = toRgb32(pixels, 64, 64, 3);
  for (const [x, y, c] of [[0, 0, 0], [31, 0, 1], [5, 17, 2], [31, 31, 0]] as const) {
    const at = (dx: number, dy: number) => pixels[((2 * y + dy) * 64 + 2 * x + dx) * 3 + c]!;
    assert.equal(out[(y * IMAGE_SIZE + x) * 3 + c], Math.round((at(0, 0) + at(1, 0) + at(0, 1) + at(1, 1)) / 4));
  }
});

test('matches the area-average definition on sizes that do not divide (down and up)', () => {
  for (const [width, height, channels] of [[45, 37, 3], [100, 30, 4], [7, 50, 3]] as const) {
    const pixels = randomImage(width, height, channels, width);
    const out = toRgb32(pixels, width, height, channels);
    const expected = reference(pixels, width, height, channels);
    let worst = 0;
    for (let i = 0; i < out.length; i++) worst = Math.max(worst, Math.abs(out[i]! - expected[i]!));
    // Only the final rounding differs (≤ 0.5), plus float noise where a value sits on .5.
    assert.ok(worst <= 0.5 + 1e-9, `${width}x${height}: worst |Δ| ${worst}`);
  }
});

test('rows fed in slices give the same bytes as the whole image at once', () => {
  const pixels = randomImage(53, 71, 4, 3);
  const resizer = new AreaResizer(53, 71, 4, RGB32);
  const rowBytes = 53 * 4;
  for (const [from, to] of [[0, 1], [1, 30], [30, 31], [31, 71]] as const) resizer.addRows(pixels.subarray(from * rowBytes, to * rowBytes));
  assert.deepEqual(resizer.finish(), toRgb32(pixels, 53, 71, 4));
});

test('refuses partial rows, too many rows and a finish before the last row', () => {
  const resizer = new AreaResizer(10, 4, 3, RGB32);
  assert.throws(() => resizer.addRows(new Uint8Array(31)), /whole rows of 30 bytes/);
  resizer.addRows(new Uint8Array(90));
  assert.throws(() => resizer.finish(), /4 rows; only 3 were added/);
  assert.throws(() => resizer.addRows(new Uint8Array(60)), /4 rows; 5 were added/);
  assert.throws(() => new AreaResizer(0, 4, 3, RGB32), /cannot resize a 0x4 image/);
  assert.throws(() => new AreaResizer(4, 4, 3, { width: 0, height: 8, channels: 3 }), /cannot resize to 0x8/);
});

test('any target size and alpha: matches the definition, RGB pixels getting alpha 255', () => {
  for (const [width, height, channels, target] of [
    [45, 37, 4, { width: 64, height: 20, channels: 4 }],
    [30, 30, 3, { width: 64, height: 64, channels: 4 }],
    [9, 120, 4, { width: 7, height: 13, channels: 3 }],
  ] as const) {
    const pixels = randomImage(width, height, channels, height);
    const out = resizeByArea(pixels, width, height, channels, target);
    const expected = reference(pixels, width, height, channels, target);
    assert.equal(out.length, target.width * target.height * target.channels);
    let worst = 0;
    for (let i = 0; i < out.length; i++) worst = Math.max(worst, Math.abs(out[i]! - expected[i]!));
    assert.ok(worst <= 0.5 + 1e-9, `${width}x${height} -> ${target.width}x${target.height}x${target.channels}: worst |Δ| ${worst}`);
  }
});

test('enlarging by a whole factor replicates each pixel', () => {
  const pixels = randomImage(3, 2, 3, 9);
  const out = resizeByArea(pixels, 3, 2, 3, { width: 6, height: 6, channels: 3 });
  for (let y = 0; y < 6; y++) {
    for (let x = 0; x < 6; x++) {
      const source = (Math.floor(y / 3) * 3 + Math.floor(x / 2)) * 3;
      assert.deepEqual([...out.subarray((y * 6 + x) * 3, (y * 6 + x) * 3 + 3)], [...pixels.subarray(source, source + 3)], `(${x}, ${y})`);
    }
  }
});
