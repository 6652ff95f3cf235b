// Turns a user's file into the 32×32 RGBA pixels the network sees. A 32×32 image is taken as is (no
// resampling, no colour management, no alpha premultiplication), so its input tensor is bit-identical to the
// server's; larger or smaller images are resized to 32×32 by the browser.
import { IMAGE_SIZE } from '@onnx-edge/export/contract';
import { readImageHeader, type ImageFormat } from './image-header.ts';

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
    const bitmap = width === IMAGE_SIZE && height === IMAGE_SIZE ? full : await resizeToNetwork(full);
    return { pixels: readPixels(bitmap), bitmap, format: header.format, width, height };
  } finally {
    if (full.width !== IMAGE_SIZE || full.height !== IMAGE_SIZE) full.close();
  }
}

function refuseHugeImage(name: string, width: number, height: number): void {
  if (width === 0 || height === 0) throw new InputError(`“${name}” declares an empty ${width}×${height} image: it is damaged.`);
  const megapixels = (width * height) / 1e6;
  if (megapixels > MAX_MEGAPIXELS) {
    throw new InputError(`“${name}” is ${width}×${height} (${megapixels.toFixed(0)} megapixels); the demo takes images up to ${MAX_MEGAPIXELS} megapixels. Scale it down and try again.`);
  }
}

/** Stretches the whole image to 32×32 with the browser's high-quality filter. */
function resizeToNetwork(image: ImageBitmap): Promise<ImageBitmap> {
  return createImageBitmap(image, 0, 0, image.width, image.height, {
    ...DECODE_OPTIONS,
    resizeWidth: IMAGE_SIZE,
    resizeHeight: IMAGE_SIZE,
    resizeQuality: 'high',
  });
}

/**
 * Reads a 32×32 bitmap back as RGBA bytes, exactly as decoded. WebGL is the exact path: the texture keeps
 * unpremultiplied values, so a transparent pixel keeps its RGB (which the server uses: it drops alpha).
 * A 2D canvas stores premultiplied pixels, exact only where alpha is 255; it is the fallback without WebGL.
 */
function readPixels(bitmap: ImageBitmap): Uint8ClampedArray {
  return readPixelsWebgl(bitmap) ?? readPixelsCanvas2d(bitmap);
}

function readPixelsWebgl(bitmap: ImageBitmap): Uint8ClampedArray | undefined {
  const gl = new OffscreenCanvas(IMAGE_SIZE, IMAGE_SIZE).getContext('webgl2', { premultipliedAlpha: false, antialias: false });
  if (!gl) return undefined;
  try {
    gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
    gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
    gl.pixelStorei(gl.UNPACK_COLORSPACE_CONVERSION_WEBGL, gl.NONE);
    gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, IMAGE_SIZE, IMAGE_SIZE, 0, gl.RGBA, gl.UNSIGNED_BYTE, bitmap);
    gl.bindFramebuffer(gl.FRAMEBUFFER, gl.createFramebuffer());
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, gl.getParameter(gl.TEXTURE_BINDING_2D), 0);
    if (gl.checkFramebufferStatus(gl.FRAMEBUFFER) !== gl.FRAMEBUFFER_COMPLETE) return undefined;
    // Texture row 0 is the image's top row and readPixels starts at row 0: no flip needed.
    const pixels = new Uint8Array(IMAGE_SIZE * IMAGE_SIZE * 4);
    gl.readPixels(0, 0, IMAGE_SIZE, IMAGE_SIZE, gl.RGBA, gl.UNSIGNED_BYTE, pixels);
    return gl.getError() === gl.NO_ERROR ? new Uint8ClampedArray(pixels.buffer) : undefined;
  } finally {
    gl.getExtension('WEBGL_lose_context')?.loseContext();
  }
}

function readPixelsCanvas2d(bitmap: ImageBitmap): Uint8ClampedArray {
  const canvas = new OffscreenCanvas(IMAGE_SIZE, IMAGE_SIZE);
  const context = canvas.getContext('2d', { willReadFrequently: true, colorSpace: 'srgb' });
  if (!context) throw new Error('this browser cannot create a 2D canvas to read image pixels');
  context.drawImage(bitmap, 0, 0);
  return context.getImageData(0, 0, IMAGE_SIZE, IMAGE_SIZE, { colorSpace: 'srgb' }).data;
}
