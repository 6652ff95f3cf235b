// Image → model input, as the contract says: the pixels (already at the model's size, see area-resize.ts)
// converted to the model's channels (grayscale, BGR, alpha), mapped onto its value range, normalised by its
// mean/std and laid out NCHW or NHWC. The server and the web demo both call this, so the same pixels give the
// same input tensor on both, in the same float64 arithmetic rounded once to float32.
import { channelsOf, type ImageInput } from './contract.ts';

export interface PixelSize {
  width: number;
  height: number;
}

/** BT.601 luma weights (what PIL's 'L', OpenCV's RGB2GRAY and tf.image.rgbToGrayscale use), on 0..255 values. */
const LUMA = [0.299, 0.587, 0.114] as const;

/** The size an image is brought to: the model's, or the image's own where the model takes any size. */
export function inputSize(input: ImageInput, image: PixelSize): PixelSize {
  return input.height !== undefined && input.width !== undefined ? { width: input.width, height: input.height } : { width: image.width, height: image.height };
}

/** Dims of one input item, without the batch dimension: [C, H, W] or [H, W, C]. */
export function inputDims(input: ImageInput, size: PixelSize): number[] {
  const channels = channelsOf(input.color);
  return input.layout === 'NCHW' ? [channels, size.height, size.width] : [size.height, size.width, channels];
}

/**
 * One image's model input. `pixels`: interleaved RGB or RGBA bytes (`pixelChannels`), row-major, `size` as
 * inputSize() gives. A model taking alpha gets 255 from RGB pixels; a model without alpha ignores it.
 * Written into `out` at `offset` (a batch buffer), or into a new array.
 */
export function imageToInput(
  pixels: ArrayLike<number>,
  pixelChannels: 3 | 4,
  size: PixelSize,
  input: ImageInput,
  out: Float32Array = new Float32Array(size.width * size.height * channelsOf(input.color)),
  offset = 0,
): Float32Array {
  const plane = size.width * size.height;
  if (pixels.length !== plane * pixelChannels) {
    throw new RangeError(`expected ${plane * pixelChannels} bytes for a ${size.width}x${size.height} image with ${pixelChannels} channels, got ${pixels.length}`);
  }
  const channels = channelsOf(input.color);
  const [lo, hi] = input.range;
  const mean = Array.from({ length: channels }, (_, c) => input.mean[input.mean.length === 1 ? 0 : c]!);
  const std = Array.from({ length: channels }, (_, c) => input.std[input.std.length === 1 ? 0 : c]!);
  const bgr = input.color === 'BGR' || input.color === 'BGRA';
  const value = (byte: number, c: number) => (lo + (byte / 255) * (hi - lo) - mean[c]!) / std[c]!;
  const at = (p: number, c: number) => offset + (input.layout === 'NCHW' ? c * plane + p : p * channels + c);
  for (let p = 0; p < plane; p++) {
    const r = pixels[p * pixelChannels]!;
    const g = pixels[p * pixelChannels + 1]!;
    const b = pixels[p * pixelChannels + 2]!;
    if (channels === 1) {
      out[at(p, 0)] = value(LUMA[0] * r + LUMA[1] * g + LUMA[2] * b, 0);
      continue;
    }
    out[at(p, 0)] = value(bgr ? b : r, 0);
    out[at(p, 1)] = value(g, 1);
    out[at(p, 2)] = value(bgr ? r : b, 2);
    if (channels === 4) out[at(p, 3)] = value(pixelChannels === 4 ? pixels[p * 4 + 3]! : 255, 3);
  }
  return out;
}
