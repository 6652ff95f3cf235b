// TF AttrValues as tfjs-converter writes them in model.json (protobuf JSON): int64 as decimal strings,
// strings base64, `list` with typed arrays, `type` as a DT_* name (or its enum number), `shape` with string
// sizes (-1 unknown), `tensor`, `func`. Decoded once when the model is read; handlers ask for typed values.

export type TfAttrValue =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'string'; value: string }
  | { kind: 'type'; value: string }
  | { kind: 'shape'; value: number[] | undefined }
  | { kind: 'list'; ints: number[]; floats: number[]; strings: string[]; bools: boolean[]; types: string[] }
  | { kind: 'tensor'; dtype: string; shape: number[] | undefined }
  | { kind: 'func'; value: string };

/** TF's DataType enum, for attrs written as numbers. */
const DT_NAMES: Record<number, string> = {
  1: 'DT_FLOAT', 2: 'DT_DOUBLE', 3: 'DT_INT32', 4: 'DT_UINT8', 5: 'DT_INT16', 6: 'DT_INT8', 7: 'DT_STRING',
  8: 'DT_COMPLEX64', 9: 'DT_INT64', 10: 'DT_BOOL', 14: 'DT_BFLOAT16', 17: 'DT_UINT16', 18: 'DT_COMPLEX128',
  19: 'DT_HALF', 20: 'DT_RESOURCE', 21: 'DT_VARIANT', 22: 'DT_UINT32', 23: 'DT_UINT64',
};

function int(raw: unknown): number {
  const value = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`integer attr value '${String(raw)}' is not a safe integer`);
  return value;
}

function float(raw: unknown): number {
  const value = typeof raw === 'number' ? raw : Number(raw);
  if (Number.isNaN(value) && raw !== 'NaN') throw new Error(`float attr value '${String(raw)}' is not a number`);
  return value;
}

function base64(raw: unknown): string {
  if (typeof raw !== 'string') throw new Error('string attr value is not base64 text');
  return Buffer.from(raw, 'base64').toString('utf8');
}

function dtypeName(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  const name = typeof raw === 'number' ? DT_NAMES[raw] : undefined;
  if (!name) throw new Error(`unknown DataType ${String(raw)}`);
  return name;
}

function shape(raw: unknown): number[] | undefined {
  const s = (raw ?? {}) as { dim?: { size?: unknown }[]; unknownRank?: boolean };
  if (s.unknownRank) return undefined;
  return (s.dim ?? []).map((d) => int(d.size ?? 0));
}

function decodeValue(raw: Record<string, unknown>): TfAttrValue {
  if ('i' in raw) return { kind: 'int', value: int(raw['i']) };
  if ('f' in raw) return { kind: 'float', value: float(raw['f']) };
  if ('b' in raw) return { kind: 'bool', value: raw['b'] === true };
  if ('s' in raw) return { kind: 'string', value: base64(raw['s']) };
  if ('type' in raw) return { kind: 'type', value: dtypeName(raw['type']) };
  if ('shape' in raw) return { kind: 'shape', value: shape(raw['shape']) };
  if ('func' in raw) return { kind: 'func', value: String((raw['func'] as { name?: unknown })?.name ?? '') };
  if ('tensor' in raw) {
    const t = (raw['tensor'] ?? {}) as { dtype?: unknown; tensorShape?: unknown };
    return { kind: 'tensor', dtype: dtypeName(t.dtype ?? 'DT_FLOAT'), shape: shape(t.tensorShape) };
  }
  if ('list' in raw) {
    const list = (raw['list'] ?? {}) as Record<string, unknown[] | undefined>;
    return {
      kind: 'list',
      ints: (list['i'] ?? []).map(int),
      floats: (list['f'] ?? []).map(float),
      strings: (list['s'] ?? []).map(base64),
      bools: (list['b'] ?? []).map((b) => b === true),
      types: (list['type'] ?? []).map(dtypeName),
    };
  }
  // An AttrValue with no field set is an empty value (protobuf JSON drops defaults): an empty list.
  return { kind: 'list', ints: [], floats: [], strings: [], bools: [], types: [] };
}

/** A node's attributes with typed accessors; `undefined` when the attr is absent. */
export class TfAttributes {
  constructor(private readonly values: ReadonlyMap<string, TfAttrValue>) {}

  has(name: string): boolean {
    return this.values.has(name);
  }

  names(): string[] {
    return [...this.values.keys()];
  }

  private get<K extends TfAttrValue['kind']>(name: string, kinds: K[]): Extract<TfAttrValue, { kind: K }> | undefined {
    const value = this.values.get(name);
    if (value === undefined) return undefined;
    if (!(kinds as string[]).includes(value.kind)) throw new Error(`attr '${name}' is a ${value.kind}, expected ${kinds.join(' or ')}`);
    return value as Extract<TfAttrValue, { kind: K }>;
  }

  int(name: string): number | undefined {
    const v = this.get(name, ['int', 'float']);
    return v?.value;
  }

  float(name: string): number | undefined {
    const v = this.get(name, ['float', 'int']);
    return v?.value;
  }

  bool(name: string): boolean | undefined {
    return this.get(name, ['bool'])?.value;
  }

  string(name: string): string | undefined {
    return this.get(name, ['string'])?.value;
  }

  type(name: string): string | undefined {
    return this.get(name, ['type'])?.value;
  }

  shape(name: string): number[] | undefined {
    return this.get(name, ['shape'])?.value;
  }

  /** `list.i` (or `list.f` when that is what was written). */
  ints(name: string): number[] | undefined {
    const v = this.get(name, ['list']);
    if (!v) return undefined;
    return v.ints.length > 0 ? v.ints : v.floats;
  }

  strings(name: string): string[] | undefined {
    return this.get(name, ['list'])?.strings;
  }

  tensor(name: string): { dtype: string; shape: number[] | undefined } | undefined {
    return this.get(name, ['tensor']);
  }
}

export function decodeAttributes(raw: unknown): TfAttributes {
  if (raw === undefined || raw === null) return new TfAttributes(new Map());
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new Error('attr is not an object');
  const entries = Object.entries(raw as Record<string, unknown>).map(([name, value]) => {
    if (typeof value !== 'object' || value === null) throw new Error(`attr '${name}' is not an AttrValue object`);
    try {
      return [name, decodeValue(value as Record<string, unknown>)] as const;
    } catch (err) {
      throw new Error(`attr '${name}': ${(err as Error).message}`);
    }
  });
  // Sorted, so nothing downstream depends on the order the converter happened to write.
  return new TfAttributes(new Map(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}
