// Reads an ONNX file's metadata_props (for `onnx-edge verify` and other readers of exported models).
import { onnx } from '@onnx-edge/proto';

export function readOnnxMetadata(bytes: Uint8Array): Record<string, string> {
  const model = onnx.ModelProto.decode(bytes);
  return Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
}
