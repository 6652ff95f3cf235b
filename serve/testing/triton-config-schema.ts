// A checker of config.pbtxt files against Triton's schema, independent of the server's own reader: the
// messages, field names, field types and enum values of triton-inference-server/common's
// protobuf/model_config.proto (package inference), as the fields a config of an onnxruntime model may hold,
// and a strict protobuf text-format reader driven by them. It refuses what protobuf's text_format.Parse
// refuses: an unknown field, a scalar where a message belongs (or the reverse), a value of the wrong type or
// out of its type's range, an enum name the enum does not have, a non-repeated field given twice, two members
// of one oneof. Messages the project never writes (optimization, sequence batching, ensembles, warm-up, …)
// are known by name and their contents not checked.

type Scalar = 'string' | 'bool' | 'int32' | 'int64' | 'uint32' | 'uint64' | 'float';
/** A message type by name (MESSAGES), or 'opaque' for one whose contents are not checked. */
type FieldType = Scalar | { enum: keyof typeof ENUMS } | { message: string } | { map: [Scalar, Scalar | 'opaque'] };
interface Field { type: FieldType; repeated?: true; oneof?: string }

const ENUMS = {
  DataType: ['TYPE_INVALID', 'TYPE_BOOL', 'TYPE_UINT8', 'TYPE_UINT16', 'TYPE_UINT32', 'TYPE_UINT64', 'TYPE_INT8', 'TYPE_INT16', 'TYPE_INT32', 'TYPE_INT64', 'TYPE_FP16', 'TYPE_FP32', 'TYPE_FP64', 'TYPE_STRING', 'TYPE_BF16'],
  'ModelInstanceGroup.Kind': ['KIND_AUTO', 'KIND_GPU', 'KIND_CPU', 'KIND_MODEL'],
  'ModelInput.Format': ['FORMAT_NONE', 'FORMAT_NHWC', 'FORMAT_NCHW'],
} as const;

const str: Field = { type: 'string' };
const bool: Field = { type: 'bool' };
const opaque: Field = { type: { message: 'opaque' } };
const repeatedOpaque: Field = { type: { message: 'opaque' }, repeated: true };

const MESSAGES: Record<string, Record<string, Field>> = {
  ModelConfig: {
    name: str, platform: str, backend: str, runtime: str,
    version_policy: { type: { message: 'ModelVersionPolicy' } },
    max_batch_size: { type: 'int32' },
    input: { type: { message: 'ModelInput' }, repeated: true },
    output: { type: { message: 'ModelOutput' }, repeated: true },
    batch_input: repeatedOpaque, batch_output: repeatedOpaque, optimization: opaque,
    dynamic_batching: { type: { message: 'ModelDynamicBatching' }, oneof: 'scheduling_choice' },
    sequence_batching: { type: { message: 'opaque' }, oneof: 'scheduling_choice' },
    ensemble_scheduling: { type: { message: 'opaque' }, oneof: 'scheduling_choice' },
    instance_group: { type: { message: 'ModelInstanceGroup' }, repeated: true },
    default_model_filename: str,
    cc_model_filenames: { type: { map: ['string', 'string'] }, repeated: true },
    metric_tags: { type: { map: ['string', 'string'] }, repeated: true },
    parameters: { type: { map: ['string', 'opaque'] }, repeated: true },
    model_warmup: repeatedOpaque, model_operations: opaque, model_transaction_policy: opaque, model_repository_agents: opaque, response_cache: opaque, model_metrics: opaque,
  },
  ModelInput: {
    name: str, data_type: { type: { enum: 'DataType' } }, format: { type: { enum: 'ModelInput.Format' } },
    dims: { type: 'int64', repeated: true }, reshape: { type: { message: 'ModelTensorReshape' } },
    is_shape_tensor: bool, allow_ragged_batch: bool, optional: bool, is_non_linear_format_io: bool,
  },
  ModelOutput: {
    name: str, data_type: { type: { enum: 'DataType' } }, dims: { type: 'int64', repeated: true }, reshape: { type: { message: 'ModelTensorReshape' } },
    label_filename: str, is_shape_tensor: bool, is_non_linear_format_io: bool,
  },
  ModelTensorReshape: { shape: { type: 'int64', repeated: true } },
  ModelDynamicBatching: {
    preferred_batch_size: { type: 'int32', repeated: true }, max_queue_delay_microseconds: { type: 'uint64' }, preserve_ordering: bool,
    priority_levels: { type: 'uint64' }, default_priority_level: { type: 'uint64' }, default_queue_policy: opaque,
    priority_queue_policy: { type: { map: ['uint64', 'opaque'] }, repeated: true },
  },
  ModelInstanceGroup: {
    name: str, kind: { type: { enum: 'ModelInstanceGroup.Kind' } }, count: { type: 'int32' }, rate_limiter: opaque, gpus: { type: 'int32', repeated: true },
    secondary_devices: repeatedOpaque, profile: { type: 'string', repeated: true }, passive: bool, host_policy: str,
  },
  ModelVersionPolicy: {
    latest: { type: { message: 'ModelVersionPolicy.Latest' }, oneof: 'policy_choice' },
    all: { type: { message: 'ModelVersionPolicy.All' }, oneof: 'policy_choice' },
    specific: { type: { message: 'ModelVersionPolicy.Specific' }, oneof: 'policy_choice' },
  },
  'ModelVersionPolicy.Latest': { num_versions: { type: 'uint32' } },
  'ModelVersionPolicy.All': {},
  'ModelVersionPolicy.Specific': { versions: { type: 'int64', repeated: true } },
};

const TOKEN = /\s+|#[^\n]*|("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|(-?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+)[fF]?)|([A-Za-z_][\w]*)|([:{}[\],;<>])/y;

function tokens(text: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) throw new Error(`unexpected character ${JSON.stringify(text[at])} at offset ${at}`);
    const token = m[1] ?? m[2] ?? m[3] ?? m[4];
    if (token !== undefined) out.push(token);
  }
  return out;
}

const RANGES: Record<'int32' | 'int64' | 'uint32' | 'uint64', [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n], int64: [-(2n ** 63n), 2n ** 63n - 1n], uint32: [0n, 2n ** 32n - 1n], uint64: [0n, 2n ** 64n - 1n],
};

/** Every way `text` breaks Triton's ModelConfig schema, as `path: problem` lines; empty when it conforms. */
export function tritonConfigProblems(text: string): string[] {
  const problems: string[] = [];
  let list: string[];
  try {
    list = tokens(text);
  } catch (err) {
    return [(err as Error).message];
  }
  let i = 0;
  const peek = () => list[i];
  const next = () => {
    const t = list[i++];
    if (t === undefined) throw new Error('unexpected end of the text');
    return t;
  };

  const scalar = (type: Scalar | { enum: keyof typeof ENUMS }, path: string): void => {
    const t = next();
    if (typeof type === 'object') {
      const values: readonly string[] = ENUMS[type.enum];
      if (!values.includes(t) && !(/^\d+$/.test(t) && Number(t) < values.length)) problems.push(`${path}: '${t}' is not a value of enum ${type.enum} (${values.join(', ')})`);
      return;
    }
    if (type === 'string') {
      if (!/^["']/.test(t)) problems.push(`${path}: expected a quoted string, got ${t}`);
      while (peek() !== undefined && /^["']/.test(peek()!)) next(); // adjacent strings concatenate
      return;
    }
    if (type === 'bool') {
      if (!['true', 'false', 't', 'f', 'True', 'False', '1', '0'].includes(t)) problems.push(`${path}: expected true or false, got ${t}`);
      return;
    }
    if (type === 'float') {
      if (!/^-?[\d.]/.test(t) && !/^-?(inf|infinity|nan)$/i.test(t)) problems.push(`${path}: expected a number, got ${t}`);
      return;
    }
    if (!/^-?\d+$/.test(t)) {
      problems.push(`${path}: expected an integer (${type}), got ${t}`);
      return;
    }
    const [lo, hi] = RANGES[type];
    if (BigInt(t) < lo || BigInt(t) > hi) problems.push(`${path}: ${t} is outside ${type}`);
  };

  const skipBlock = (): void => {
    for (let depth = 1; depth > 0;) {
      const t = next();
      if (t === '{' || t === '<') depth++;
      else if (t === '}' || t === '>') depth--;
    }
  };

  const value = (field: Field, path: string): void => {
    const type = field.type;
    if (typeof type === 'object' && ('message' in type || 'map' in type)) {
      const open = next();
      if (open !== '{' && open !== '<') {
        problems.push(`${path}: a message field takes a block { … }, got ${open}`);
        return;
      }
      const close = open === '{' ? '}' : '>';
      if ('map' in type) {
        const [key, valueType] = type.map;
        const entry: Record<string, Field> = { key: { type: key }, value: valueType === 'opaque' ? opaque : { type: valueType } };
        message(entry, path, close);
      } else if (type.message === 'opaque') {
        skipBlock();
      } else {
        message(MESSAGES[type.message]!, path, close);
      }
      return;
    }
    scalar(type, path);
  };

  const message = (schema: Record<string, Field>, path: string, close: string | undefined): void => {
    const seen = new Set<string>();
    const oneofs = new Map<string, string>();
    while (peek() !== undefined && peek() !== close) {
      const name = next();
      const at = path ? `${path}.${name}` : name;
      const field = schema[name];
      if (!/^[A-Za-z_]\w*$/.test(name)) throw new Error(`${at}: expected a field name`);
      if (!field) {
        problems.push(`${at}: no such field in ${path || 'ModelConfig'} (fields: ${Object.keys(schema).join(', ')})`);
        throw new Error('stopped at an unknown field');
      }
      const isMessage = typeof field.type === 'object' && ('message' in field.type || 'map' in field.type);
      if (peek() === ':') next();
      else if (!isMessage) problems.push(`${at}: a scalar field needs ':' before its value`);
      if (seen.has(name) && !field.repeated) problems.push(`${at}: non-repeated field given more than once`);
      seen.add(name);
      if (field.oneof) {
        const other = oneofs.get(field.oneof);
        if (other !== undefined && other !== name) problems.push(`${at}: oneof ${field.oneof} already has ${other}`);
        oneofs.set(field.oneof, name);
      }
      if (peek() === '[') {
        next();
        if (!field.repeated) problems.push(`${at}: a list [ … ] is only for repeated fields`);
        let index = 0;
        while (peek() !== ']') {
          value(field, `${at}[${index++}]`);
          if (peek() === ',') next();
        }
        next();
      } else {
        value(field, at);
      }
      if (peek() === ',' || peek() === ';') next();
    }
    if (close !== undefined && next() !== close) problems.push(`${path}: missing '${close}'`);
  };

  try {
    message(MESSAGES.ModelConfig!, '', undefined);
  } catch (err) {
    if (!problems.length) problems.push((err as Error).message);
  }
  return problems;
}
