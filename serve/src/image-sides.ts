// The longest side an accepted image may have, checked before decoding. Decoding time grows with the number
// of rows, not only of pixels: a 1×10,000,000 PNG is within the pixel limit, deflates to 10 KB and takes
// seconds of a decoder thread. JPEG (65,535) and WebP (16,383) bound their sides in their own headers; PNG
// allows 2³¹ - 1, so its IHDR is read here.
export const MAX_IMAGE_SIDE = 16_384;

/** Width and height from a PNG's IHDR (the first chunk, right after the 8-byte signature). */
export function pngSides(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (bytes.length < 24) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
