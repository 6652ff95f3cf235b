// Resizing an image to the size a model takes by area averaging: each output pixel is the mean of the part
// of the image it covers, partly covered pixels weighted by the fraction covered. Shrinking, that is the
// classic box filter; enlarging, each output pixel covers a part of one input pixel (or of two neighbours,
// weighted by how much of each it covers), so an image is enlarged by pixel replication, blended only along
// the seams — no smoothing is invented. The server and the web demo both run this code on the decoded pixels
// (a browser's canvas filter and libvips' resize each give their own numbers), in plain float64 arithmetic and
// one fixed order, so both produce the same bytes. Rows can be fed in slices, so that a large image never
// blocks a server's event loop for long.

export interface ResizeTarget {
  width: number;
  height: number;
  /** 3: RGB (alpha dropped); 4: RGBA (alpha averaged like a colour, 255 where the image has none). */
  channels: 3 | 4;
}

/** Contributions of input pixels to output pixels along one axis, ordered by input index. */
interface AxisWeights {
  output: Int32Array;
  input: Int32Array;
  weight: Float64Array;
}

function axisWeights(inputSize: number, outputSize: number): AxisWeights {
  const output: number[] = [];
  const input: number[] = [];
  const weight: number[] = [];
  const scale = inputSize / outputSize;
  for (let o = 0; o < outputSize; o++) {
    const from = (o * inputSize) / outputSize;
    const to = ((o + 1) * inputSize) / outputSize;
    // Output o covers [from, to) of the input axis; input pixel i covers [i, i + 1).
    for (let i = Math.floor(from); i < Math.ceil(to); i++) {
      const covered = Math.min(i + 1, to) - Math.max(i, from);
      if (covered <= 0) continue;
      output.push(o);
      input.push(i);
      weight.push(covered / scale);
    }
  }
  // Footprints move monotonically with o, so these lists are already in input order.
  return { output: Int32Array.from(output), input: Int32Array.from(input), weight: Float64Array.from(weight) };
}

const isSide = (n: number) => Number.isInteger(n) && n >= 1;

/** Area-averaging resize of one RGB or RGBA image to `target`, fed row by row. */
export class AreaResizer {
  private readonly columns: AxisWeights;
  private readonly rows: AxisWeights;
  /** Index into `rows` of the first contribution of the next input row. */
  private nextContribution = 0;
  private nextRow = 0;
  private readonly sums: Float64Array;
  private readonly rowSums: Float64Array;

  constructor(readonly width: number, readonly height: number, readonly channels: 3 | 4, readonly target: ResizeTarget) {
    if (!isSide(width) || !isSide(height)) throw new RangeError(`cannot resize a ${width}x${height} image`);
    if (!isSide(target.width) || !isSide(target.height)) throw new RangeError(`cannot resize to ${target.width}x${target.height}`);
    this.columns = axisWeights(width, target.width);
    this.rows = axisWeights(height, target.height);
    this.sums = new Float64Array(target.width * target.height * target.channels);
    this.rowSums = new Float64Array(target.width * target.channels);
  }

  /** Adds the next whole rows of the image: row-major, `channels` bytes per pixel. */
  addRows(pixels: ArrayLike<number>): void {
    const rowBytes = this.width * this.channels;
    if (pixels.length % rowBytes !== 0) throw new RangeError(`expected whole rows of ${rowBytes} bytes, got ${pixels.length} bytes`);
    const count = pixels.length / rowBytes;
    if (this.nextRow + count > this.height) throw new RangeError(`the image has ${this.height} rows; ${this.nextRow + count} were added`);
    for (let r = 0; r < count; r++) this.addRow(pixels, r * rowBytes);
  }

  private addRow(pixels: ArrayLike<number>, start: number): void {
    const { columns, rows, rowSums, sums, channels } = this;
    const outChannels = this.target.channels;
    rowSums.fill(0);
    for (let k = 0; k < columns.input.length; k++) {
      const from = start + columns.input[k]! * channels;
      const to = columns.output[k]! * outChannels;
      const w = columns.weight[k]!;
      rowSums[to] += w * pixels[from]!;
      rowSums[to + 1] += w * pixels[from + 1]!;
      rowSums[to + 2] += w * pixels[from + 2]!;
      if (outChannels === 4) rowSums[to + 3] += w * (channels === 4 ? pixels[from + 3]! : 255);
    }
    const row = this.nextRow++;
    const outRowLength = this.target.width * outChannels;
    for (; this.nextContribution < rows.input.length && rows.input[this.nextContribution] === row; this.nextContribution++) {
      const base = rows.output[this.nextContribution]! * outRowLength;
      const w = rows.weight[this.nextContribution]!;
      for (let j = 0; j < rowSums.length; j++) sums[base + j] += w * rowSums[j]!;
    }
  }

  /** The target's pixels (row-major, `target.channels` bytes each), once every row is in. */
  finish(): Uint8Array {
    if (this.nextRow !== this.height) throw new RangeError(`the image has ${this.height} rows; only ${this.nextRow} were added`);
    return Uint8Array.from(this.sums, (v) => Math.min(255, Math.max(0, Math.round(v))));
  }
}

/** The whole image at once: `width*height*channels` bytes, row-major. */
export function resizeByArea(pixels: ArrayLike<number>, width: number, height: number, channels: 3 | 4, target: ResizeTarget): Uint8Array {
  const resizer = new AreaResizer(width, height, channels, target);
  resizer.addRows(pixels);
  return resizer.finish();
}
