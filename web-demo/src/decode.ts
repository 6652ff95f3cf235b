// Turns a user's file into the 32×32 RGBA pixels the network sees. The image is decoded as is (no colour
// management, no alpha premultiplication) and read back exactly; a 32×32 image is used pixel for pixel, any
// other size is resized by the area average the server uses too (@onnx-edge/export/area-resize), so the
// page's input tensor is the server's for the same decoded pixels.
import { AreaResizer, IMAGE_SIZE, type ImageFormat, readImageHeader } from '@onnx-edge/core';

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
  /** 32×32 RGBA, row-major: what the network is fed (alpha ignored). */
  pixels: Uint8ClampedArray;
  /** The same pixels as a bitmap, for the preview. */
  bitmap: ImageBitmap;
  format: ImageFormat;
  width: number;
  height: number;
}

const DECODE_OPTIONS: ImageBitmapOptions = { colorSpaceConversion: 'none', premultiplyAlpha: 'none' };

export async function decodeForNetwork(file: Blob, name: string): Promise<NetworkImage> {
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
    if (width === IMAGE_SIZE && height === IMAGE_SIZE) {
      const pixels = new Uint8ClampedArray(IMAGE_SIZE * IMAGE_SIZE * 4);
      let filled = 0;
      await readRows(full, (rows) => {
        pixels.set(rows, filled);
        filled += rows.length;
      });
      return { pixels, bitmap: full, format: header.format, width, height };
    }
    const resizer = new AreaResizer(width, height, 4);
    await readRows(full, (rows) => resizer.addRows(rows));
    const pixels = withOpaqueAlpha(resizer.finish());
    const bitmap = await createImageBitmap(new ImageData(pixels, IMAGE_SIZE, IMAGE_SIZE), DECODE_OPTIONS);
    return { pixels, bitmap, format: header.format, width, height };
  } finally {
    if (full.width !== IMAGE_SIZE || full.height !== IMAGE_SIZE) full.close();
  }
}

/** RGB → RGBA with alpha 255: what the network saw of a resized image, which the preview then shows. */
function withOpaqueAlpha(rgb: Uint8Array): Uint8ClampedArray<ArrayBuffer> {
  const rgba = new Uint8ClampedArray((rgb.length / 3) * 4);
  for (let p = 0, q = 0; p < rgb.length; p += 3, q += 4) {
    rgba[q] = rgb[p]!;
    rgba[q + 1] = rgb[p + 1]!;
    rgba[q + 2] = rgb[p + 2]!;
    rgba[q + 3] = 255;
  }
  return rgba;
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
