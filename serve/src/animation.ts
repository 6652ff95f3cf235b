// Animated images hold several frames, and the model classifies one still image: picking a frame silently
// would answer a question the client did not ask, so they are refused. Spotted from the container's own
// flags, without decoding: an APNG's acTL chunk (which must come before the first IDAT), a WebP's VP8X
// animation bit. JPEG has no animation.
const ascii = (bytes: Uint8Array, offset: number, length: number) => String.fromCharCode(...bytes.subarray(offset, offset + length));

function isAnimatedPng(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Chunks after the 8-byte signature: length (4), type (4), data, CRC (4).
  for (let offset = 8; offset + 8 <= bytes.length; ) {
    const type = ascii(bytes, offset + 4, 4);
    if (type === 'acTL') return true;
    if (type === 'IDAT' || type === 'IEND') return false;
    offset += 12 + view.getUint32(offset);
  }
  return false;
}

const VP8X_ANIMATION_FLAG = 0x02;

function isAnimatedWebp(bytes: Uint8Array): boolean {
  // RIFF header (12 bytes), then the first chunk; an extended file starts with VP8X, whose flags byte follows.
  return bytes.length > 20 && ascii(bytes, 12, 4) === 'VP8X' && (bytes[20]! & VP8X_ANIMATION_FLAG) !== 0;
}

/** `type` is the image's media type ('image/png', …). */
export function isAnimated(bytes: Uint8Array, type: string): boolean {
  if (type === 'image/png') return isAnimatedPng(bytes);
  if (type === 'image/webp') return isAnimatedWebp(bytes);
  return false;
}
