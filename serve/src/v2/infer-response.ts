// A KServe v2 inference answer: the outputs asked for, each as JSON data or — Triton's binary tensor
// extension — as raw little-endian bytes after the JSON, its byte count in parameters.binary_data_size and the
// JSON's length in the Inference-Header-Content-Length header.
import { asBytes, type Tensor } from '../tensors/index.ts';
import { dataToJson } from './json-data.ts';
import type { RequestedOutput } from './infer-request.ts';

export interface InferAnswer {
  /** The JSON part. */
  json: string;
  /** The binary outputs' bytes, in the order of the JSON's outputs; empty for a JSON-only answer. */
  binary: Uint8Array[];
}

export function inferAnswer(head: { modelName: string; modelVersion: string; id?: string }, requested: RequestedOutput[], outputs: Record<string, Tensor>): InferAnswer {
  const binary: Uint8Array[] = [];
  const described = requested.map(({ name, binary: asBinary }) => {
    const { datatype, shape, data } = outputs[name]!;
    const start = `{"name":${JSON.stringify(name)},"datatype":"${datatype}","shape":${JSON.stringify(shape)}`;
    if (!asBinary) return `${start},"data":${dataToJson(datatype, data)}}`;
    binary.push(asBytes(data));
    return `${start},"parameters":{"binary_data_size":${data.byteLength}}}`;
  });
  const id = head.id !== undefined ? `,"id":${JSON.stringify(head.id)}` : '';
  const json = `{"model_name":${JSON.stringify(head.modelName)},"model_version":${JSON.stringify(head.modelVersion)}${id},"outputs":[${described.join(',')}]}`;
  return { json, binary };
}
