// Turns a user's file into the pixels the model sees, at the size its contract asks for. The image is decoded
// as is (no colour management, no alpha premultiplication) and read back exactly; an image already at the
// model's size is used pixel for pixel, any other size is resized by the area average the server uses too
// (@onnx-edge/core's AreaResizer), so the page's input tensor is the server's for the same decoded pixels.
import { AreaResizer, channelsOf, type ImageFormat, type ImageInput, inputSize, type PixelSize, readImageHeader } from '@onnx-edge/core';

/** Refuse images above this many pixels before decoding them (a decoded 40 MP image is 160 MB of RGBA). */
export const MAX_MEGAPIXELS = 40;
/** Refuse files above this size outright. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** Enough bytes to find a JPEG's frame header behind a large EXIF block. */
const HEADER_BYTES = 256 * 1024;

/** A problem with the user's input, worded for the page. */
export class InputError extends Error {
  override name = 'InputError';
}

export interface NetworkImage {
  /** RGBA at `size`, row-major: what the model is fed (alpha only where it takes alpha). */
  pixels: Uint8ClampedArray<ArrayBuffer>;
  size: PixelSize;
  /** The same pixels as the model sees them (grayscale for a grayscale model), for the preview. */
  preview: ImageData;
  format: ImageFormat;
  width: number;
  height: number;
}

const DECODE_OPTIONS: ImageBitmapOptions = { colorSpaceConversion: 'none', premultiplyAlpha: 'none' };

export async function decodeForNetwork(file: Blob, name: string, input: ImageInput): Promise<NetworkImage> {
  if (file.size === 0) throw new InputError(`“${name}” is empty. Choose a PNG, JPEG, WebP or GIF image.`);
  if (file.size > MAX_FILE_BYTES) {
    throw new InputError(`“${name}” is ${(file.size / 2 ** 20).toFixed(0)} MB; the demo takes files up to ${MAX_FILE_BYTES / 2 ** 20} MB.`);
  }
  const header = readImageHeader(new Uint8Array(await file.slice(0, HEADER_BYTES).arrayBuffer()));
  if (!header) throw new InputError(`“${name}” is not an image the demo can read. Choose a PNG, JPEG, WebP or GIF file.`);
  if (header.width !== undefined && header.height !== undefined) refuseHugeImage(name, header.width, header.height);

  let full: ImageBitmap;
  try {
    full = await createImageBitmap(file, DECODE_OPTIONS);
  } catch {
    throw new InputError(`“${name}” looks like a ${header.format.toUpperCase()} file but could not be decoded: it is damaged or truncated.`);
  }
  const { width, height } = full;
  try {
    refuseHugeImage(name, width, height);
    const size = inputSize(input, { width, height });
    let pixels: Uint8ClampedArray<ArrayBuffer>;
    if (width === size.width && height === size.height) {
      pixels = new Uint8ClampedArray(width * height * 4);
      let filled = 0;
      await readRows(full, (rows) => {
        pixels.set(rows, filled);
        filled += rows.length;
      });
    } else {
      // A model that takes alpha gets it averaged like a colour; the others see opaque pixels.
      const resizer = new AreaResizer(width, height, 4, { ...size, channels: channelsOf(input.color) === 4 ? 4 : 3 });
      await readRows(full, (rows) => resizer.addRows(rows));
      pixels = toRgba(resizer.finish(), resizer.target.channels);
    }
    return { pixels, size, preview: previewOf(pixels, size, input), format: header.format, width, height };
  } finally {
    full.close();
  }
}

/** RGB or RGBA bytes → RGBA, alpha 255 where there is none. */
function toRgba(bytes: Uint8Array, channels: 3 | 4): Uint8ClampedArray<ArrayBuffer> {
  if (channels === 4) return new Uint8ClampedArray(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length);
  const rgba = new Uint8ClampedArray((bytes.length / 3) * 4);
  for (let p = 0, q = 0; p < bytes.length; p += 3, q += 4) {
    rgba[q] = bytes[p]!;
    rgba[q + 1] = bytes[p + 1]!;
    rgba[q + 2] = bytes[p + 2]!;
    rgba[q + 3] = 255;
  }
  return rgba;
}

/** The pixels as the model sees them: luma for a grayscale model (BT.601, as the input tensor), else as they are. */
function previewOf(pixels: Uint8ClampedArray<ArrayBuffer>, size: PixelSize, input: ImageInput): ImageData {
  if (input.color !== 'GRAY') return new ImageData(pixels, size.width, size.height);
  const gray = new Uint8ClampedArray(pixels.length);
  for (let q = 0; q < pixels.length; q += 4) {
    const luma = 0.299 * pixels[q]! + 0.587 * pixels[q + 1]! + 0.114 * pixels[q + 2]!;
    gray[q] = gray[q + 1] = gray[q + 2] = luma;
    gray[q + 3] = 255;
  }
  return new ImageData(gray, size.width, size.height);
}

function refuseHugeImage(name: string, width: number, height: number): void {
  if (width === 0 || height === 0) throw new InputError(`“${name}” declares an empty ${width}×${height} image: it is damaged.`);
  const megapixels = (width * height) / 1e6;
  if (megapixels > MAX_MEGAPIXELS) {
    throw new InputError(`“${name}” is ${width}×${height} (${megapixels.toFixed(0)} megapixels); the demo takes images up to ${MAX_MEGAPIXELS} megapixels. Scale it down and try again.`);
  }
}

/** Bytes of RGBA rows handed over at once: about 4 MB, after which the page gets a turn of its event loop. */
const BAND_BYTES = 4 << 20;

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Hands the bitmap's RGBA rows to `onRows`, top to bottom, a band at a time, exactly as decoded. WebGL is
 * the exact path: the texture keeps unpremultiplied values, so a transparent pixel keeps its RGB (which the
 * server uses: it drops alpha). A 2D canvas stores premultiplied pixels, exact only where alpha is 255; it
 * is the fallback without WebGL or for an image larger than the largest texture.
 */
async function readRows(bitmap: ImageBitmap, onRows: (rows: Uint8Array) => void): Promise<void> {
  const read = openWebglReader(bitmap) ?? openCanvas2dReader(bitmap);
  try {
    const bandRows = Math.max(1, Math.floor(BAND_BYTES / (bitmap.width * 4)));
    for (let top = 0; top < bitmap.height; top += bandRows) {
      if (top > 0) await nextTask();
      onRows(read.rows(top, Math.min(bandRows, bitmap.height - top)));
    }
  } finally {
    read.close();
  }
}

interface RowReader {
  rows(top: number, count: number): Uint8Array;
  close(): void;
}

function openWebglReader(bitmap: ImageBitmap): RowReader | undefined {
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2', { premultipliedAlpha: false, antialias: false });
  if (!gl) return undefined;
  const close = () => gl.getExtension('WEBGL_lose_context')?.loseContext();
  const maxSide = gl.getParameter(gl.MAX_TEXTURE_SIZE) as number;
  if (bitmap.width > maxSide || bitmap.height > maxSide) return void close();
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
  gl.pixelStorei(gl.UNPACK_COLORSPACE_CONVERSION_WEBGL, gl.NONE);
  gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
  gl.pixelStorei(gl.PACK_ALIGNMENT, 1);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, bitmap.width, bitmap.height, 0, gl.RGBA, gl.UNSIGNED_BYTE, bitmap);
  gl.bindFramebuffer(gl.FRAMEBUFFER, gl.createFramebuffer());
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, gl.getParameter(gl.TEXTURE_BINDING_2D), 0);
  if (gl.getError() !== gl.NO_ERROR || gl.checkFramebufferStatus(gl.FRAMEBUFFER) !== gl.FRAMEBUFFER_COMPLETE) return void close();
  return {
    rows(top, count) {
      // Texture row 0 is the image's top row and readPixels counts rows from 0: no flip needed.
      const pixels = new Uint8Array(bitmap.width * count * 4);
      gl.readPixels(0, top, bitmap.width, count, gl.RGBA, gl.UNSIGNED_BYTE, pixels);
      if (gl.getError() !== gl.NO_ERROR) throw new Error(`WebGL could not read rows ${top}–${top + count} of the decoded image back`);
      return pixels;
    },
    close,
  };
}

function openCanvas2dReader(bitmap: ImageBitmap): RowReader {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d', { willReadFrequently: true, colorSpace: 'srgb' });
  if (!context) throw new Error('this browser cannot create a 2D canvas to read image pixels');
  context.drawImage(bitmap, 0, 0);
  return {
    rows: (top, count) => new Uint8Array(context.getImageData(0, top, bitmap.width, count, { colorSpace: 'srgb' }).data.buffer),
    close: () => undefined,
  };
}
