// Seeded uniform values for reproducible test weights and inputs; the generator is @onnx-edge/train's
// seededRandom (mulberry32), so a seed means the same sequence in every package.

/** `count` values uniform in [low, high). */
export function uniform(random: () => number, count: number, low: number, high: number): Float32Array {
  return Float32Array.from({ length: count }, () => low + (high - low) * random());
}
