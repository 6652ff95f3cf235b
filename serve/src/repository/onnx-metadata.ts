// Reads ModelProto.metadata_props (field 14: repeated StringStringEntryProto {key = 1, value = 2}) straight
// from the protobuf wire format. Walking the top-level fields skips the weights without decoding them, so
// this costs microseconds even for a large model, and the server needs no generated protobuf code for it.

const METADATA_PROPS_FIELD = 14;

class WireReader {
  pos = 0;
  constructor(readonly bytes: Uint8Array, readonly end = bytes.length) {}

  varint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (this.pos >= this.end) throw new RangeError('truncated varint');
      const b = this.bytes[this.pos++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
      if (scale > 2 ** 63) throw new RangeError('varint too long');
    }
  }

  /** Skips one field's payload and returns [start, end) of a length-delimited payload, if that was its type. */
  skip(wireType: number): [number, number] | undefined {
    switch (wireType) {
      case 0: this.varint(); return undefined;
      case 1: this.pos += 8; break;
      case 5: this.pos += 4; break;
      case 2: {
        const length = this.varint();
        const start = this.pos;
        this.pos += length;
        if (this.pos > this.end) throw new RangeError('truncated length-delimited field');
        return [start, this.pos];
      }
      default: throw new RangeError(`unsupported wire type ${wireType}`);
    }
    if (this.pos > this.end) throw new RangeError('truncated fixed-width field');
    return undefined;
  }
}

const utf8 = new TextDecoder();

function readEntry(bytes: Uint8Array, start: number, end: number): [string, string] {
  const r = new WireReader(bytes, end);
  r.pos = start;
  let key = '';
  let value = '';
  while (r.pos < end) {
    const tag = r.varint();
    const span = r.skip(tag & 7);
    if (span && tag >>> 3 === 1) key = utf8.decode(bytes.subarray(span[0], span[1]));
    if (span && tag >>> 3 === 2) value = utf8.decode(bytes.subarray(span[0], span[1]));
  }
  return [key, value];
}

/** metadata_props of an ONNX model as a plain object; throws RangeError when the bytes are not a protobuf. */
export function readOnnxMetadata(bytes: Uint8Array): Record<string, string> {
  const r = new WireReader(bytes);
  const out: Record<string, string> = {};
  while (r.pos < r.end) {
    const tag = r.varint();
    const span = r.skip(tag & 7);
    if (span && tag >>> 3 === METADATA_PROPS_FIELD) {
      const [key, value] = readEntry(bytes, span[0], span[1]);
      out[key] = value;
    }
  }
  return out;
}
