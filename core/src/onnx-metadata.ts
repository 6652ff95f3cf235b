// Reads ModelProto.metadata_props (field 14: repeated StringStringEntryProto {key = 1, value = 2}) straight
// from the protobuf wire format, so labels and input layout travel with the model file. Only the top level of
// the message is walked: the graph and its weights are skipped by their length, never decoded, which costs
// microseconds even for a large model. Browser-safe (no Node imports, no generated protobuf code): the server,
// the CLI and the web demo (onnxruntime-web does not expose metadata_props) all read metadata through it.

const METADATA_PROPS_FIELD = 14;
const ENTRY_KEY_FIELD = 1;
const ENTRY_VALUE_FIELD = 2;
const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

/** One field: its number and, for a length-delimited one, where its payload lies. */
type Field = { number: number; start: number; end: number } | { number: number };

class WireReader {
  at: number;
  constructor(readonly bytes: Uint8Array, start = 0, readonly end = bytes.length) {
    this.at = start;
  }

  varint(): number {
    let value = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      if (this.at >= this.end) throw new RangeError('truncated varint in ONNX model');
      const byte = this.bytes[this.at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    throw new RangeError('malformed varint in ONNX model');
  }

  /** Reads the next field's tag and moves past its payload. */
  field(): Field {
    const tag = this.varint();
    const number = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === WIRE_LENGTH_DELIMITED) {
      const length = this.varint();
      const start = this.at;
      this.at += length;
      if (this.at > this.end) throw new RangeError('truncated field in ONNX model');
      return { number, start, end: this.at };
    }
    if (wire === WIRE_VARINT) this.varint();
    else if (wire === WIRE_FIXED64) this.at += 8;
    else if (wire === WIRE_FIXED32) this.at += 4;
    else throw new RangeError(`unsupported protobuf wire type ${wire} in ONNX model`);
    if (this.at > this.end) throw new RangeError('truncated fixed-width field in ONNX model');
    return { number };
  }
}

const utf8 = new TextDecoder();

function readEntry(bytes: Uint8Array, start: number, end: number): [string, string] {
  const entry = new WireReader(bytes, start, end);
  let key = '';
  let value = '';
  while (entry.at < entry.end) {
    const part = entry.field();
    if (!('start' in part)) continue;
    if (part.number === ENTRY_KEY_FIELD) key = utf8.decode(bytes.subarray(part.start, part.end));
    else if (part.number === ENTRY_VALUE_FIELD) value = utf8.decode(bytes.subarray(part.start, part.end));
  }
  return [key, value];
}

/**
 * The model's metadata_props as a plain object (a repeated key: the last one wins); empty when the bytes carry
 * none. Throws RangeError when the bytes are not a well-formed protobuf message (truncated, text, …).
 */
export function readOnnxMetadata(bytes: Uint8Array): Record<string, string> {
  const metadata: Record<string, string> = {};
  const reader = new WireReader(bytes);
  while (reader.at < reader.end) {
    const field = reader.field();
    if (field.number !== METADATA_PROPS_FIELD || !('start' in field)) continue;
    const [key, value] = readEntry(bytes, field.start, field.end);
    metadata[key] = value;
  }
  return metadata;
}
