// Reads ModelProto.metadata_props (field 14: repeated StringStringEntryProto {key = 1, value = 2}) straight
// from the ONNX bytes, so labels and input layout travel with the model file. onnxruntime-web does not
// expose metadata_props; only the top level of the message is walked (the graph is skipped by its length).

const METADATA_PROPS_FIELD = 14;
const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

class Reader {
  at = 0;
  constructor(readonly bytes: Uint8Array, readonly end = bytes.length) {}

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

  /** Returns [fieldNumber, start, end] of a length-delimited field, or skips any other wire type. */
  field(): { number: number; start: number; end: number } | { number: number } {
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
    return { number };
  }
}

const utf8 = new TextDecoder();

/** The model's metadata_props as a plain object; empty when the bytes carry none. Throws on malformed bytes. */
export function readOnnxMetadata(model: Uint8Array): Record<string, string> {
  const metadata: Record<string, string> = {};
  const reader = new Reader(model);
  while (reader.at < reader.end) {
    const field = reader.field();
    if (field.number !== METADATA_PROPS_FIELD || !('start' in field)) continue;
    const entry = new Reader(model, field.end);
    entry.at = field.start;
    let key = '';
    let value = '';
    while (entry.at < entry.end) {
      const part = entry.field();
      if (!('start' in part)) continue;
      const text = utf8.decode(model.subarray(part.start, part.end));
      if (part.number === 1) key = text;
      else if (part.number === 2) value = text;
    }
    if (key) metadata[key] = value;
  }
  return metadata;
}
