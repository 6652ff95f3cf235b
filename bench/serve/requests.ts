// The requests `bench serve` sends, by route: the bench images as PNG to POST /classify (top 1), and the same
// images as the model's input tensor to KServe v2 infer — as JSON numbers, or as Triton's binary tensor data
// (raw little-endian float32 after the JSON, Inference-Header-Content-Length giving the JSON's length, the
// answer's tensors asked for raw too). Each request is prepared once, as the bytes that go on the wire.
import { requestBytes } from '@onnx-edge/serve/testing';

export const ROUTES = ['classify', 'v2-json', 'v2-binary'] as const;
export type Route = (typeof ROUTES)[number];

export interface BenchImage {
  png: Uint8Array;
  /** The image as the seed networks take it: NCHW, 3×32×32, pixels ÷ 255. */
  nchw: Float32Array;
}

/** The one input the v2 routes feed: the seed networks' image tensor. */
export interface TensorInput {
  name: string;
  shape: number[];
}

export function routeRequests(route: Route, url: URL, model: string, images: BenchImage[], input: TensorInput): Uint8Array[] {
  const path = `/v2/models/${encodeURIComponent(model)}/infer`;
  return images.map(({ png, nchw }) => {
    if (route === 'classify') return requestBytes(url, 'POST', `/classify?model=${encodeURIComponent(model)}&top=1`, 'image/png', png);
    const tensor = { name: input.name, shape: [1, ...input.shape.slice(1)], datatype: 'FP32' };
    if (route === 'v2-json') {
      return requestBytes(url, 'POST', path, 'application/json', Buffer.from(JSON.stringify({ inputs: [{ ...tensor, data: Array.from(nchw) }] })));
    }
    const head = Buffer.from(JSON.stringify({ inputs: [{ ...tensor, parameters: { binary_data_size: nchw.byteLength } }], parameters: { binary_data_output: true } }));
    const body = Buffer.concat([head, new Uint8Array(nchw.buffer, nchw.byteOffset, nchw.byteLength)]);
    return requestBytes(url, 'POST', path, 'application/octet-stream', body, { 'Inference-Header-Content-Length': String(head.length) });
  });
}
