// Triton's model configuration (config.pbtxt, protobuf text format): written next to every exported model so
// the same folder runs under Triton Inference Server, and read back by our server for batching, names, data
// types and dims. Only the fields an onnxruntime_onnx model needs are modelled; unknown fields are parsed and
// ignored. (config-pbtxt.test.ts checks what is written against Triton's model_config.proto.)

/** Triton's DataType names (model_config.proto). */
export const TRITON_DATA_TYPES = ['TYPE_BOOL', 'TYPE_UINT8', 'TYPE_UINT16', 'TYPE_UINT32', 'TYPE_UINT64', 'TYPE_INT8', 'TYPE_INT16', 'TYPE_INT32', 'TYPE_INT64', 'TYPE_FP16', 'TYPE_FP32', 'TYPE_FP64', 'TYPE_STRING', 'TYPE_BF16'] as const;
export type TritonDataType = (typeof TRITON_DATA_TYPES)[number];

/** Bounds of the numbers a config may hold: what the server's own flags accept (serve/src/config.ts). */
export const CONFIG_LIMITS = { maxBatchSize: 4096, maxQueueDelayMicroseconds: 10_000_000, instances: 64, dims: 8 } as const;

/** Which version folders may be served (Triton's version_policy); absent = every version, newest first. */
export type VersionPolicy = { latest: number } | { specific: number[] } | { all: true };

export interface TensorConfig {
  name: string;
  dataType: TritonDataType;
  /** Dimensions without the batch dimension (Triton adds it when max_batch_size > 0); -1 for any size. */
  dims: number[];
  /** The shape the model itself has, where it differs from dims (a scalar is dims [1], reshape []). */
  reshape?: number[];
  labelFilename?: string;
}

export interface ModelConfig {
  name: string;
  platform: 'onnxruntime_onnx';
  maxBatchSize: number;
  inputs: TensorConfig[];
  outputs: TensorConfig[];
  /** Dynamic batching queue delay; undefined when the config has no dynamic_batching block. */
  maxQueueDelayMicroseconds?: number;
  instanceCount: number;
  versionPolicy?: VersionPolicy;
}

export class ConfigSyntaxError extends Error {
  override name = 'ConfigSyntaxError';
}

// --- writing ---------------------------------------------------------------------------------------------

function tensorBlock(t: TensorConfig): string {
  const lines = [
    `    name: ${JSON.stringify(t.name)}`,
    `    data_type: ${t.dataType}`,
    `    dims: [ ${t.dims.join(', ')} ]`,
  ];
  if (t.reshape) lines.push(`    reshape: { shape: [ ${t.reshape.join(', ')} ] }`);
  if (t.labelFilename) lines.push(`    label_filename: ${JSON.stringify(t.labelFilename)}`);
  return `  {\n${lines.join('\n')}\n  }`;
}

export function formatConfigPbtxt(config: ModelConfig): string {
  const parts = [
    `name: ${JSON.stringify(config.name)}`,
    `platform: "onnxruntime_onnx"`,
    `backend: "onnxruntime"`,
    `max_batch_size: ${config.maxBatchSize}`,
    `input [\n${config.inputs.map(tensorBlock).join(',\n')}\n]`,
    `output [\n${config.outputs.map(tensorBlock).join(',\n')}\n]`,
  ];
  if (config.maxQueueDelayMicroseconds !== undefined) {
    parts.push(`dynamic_batching {\n  max_queue_delay_microseconds: ${config.maxQueueDelayMicroseconds}\n}`);
  }
  parts.push(`instance_group [\n  {\n    count: ${config.instanceCount}\n    kind: KIND_AUTO\n  }\n]`);
  return parts.join('\n') + '\n';
}

// --- parsing: a generic text-format reader, then a typed view ---------------------------------------------

type TextValue = string | number | TextMessage;
/** Every field is kept as a list, because text format allows repeating any field. */
export interface TextMessage { [field: string]: TextValue[] }

const TOKEN = /\s+|#[^\n]*|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|([-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+))|([A-Za-z_][\w.]*)|([:{}[\],;<>])/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) throw new ConfigSyntaxError(`unexpected character ${JSON.stringify(text[at])} at offset ${at}`);
    const token = m[1] ?? m[2] ?? m[3] ?? m[4];
    if (token !== undefined) tokens.push(token);
  }
  return tokens;
}

function scalar(token: string): string | number {
  if (token.startsWith('"') || token.startsWith("'")) {
    const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r' };
    return token.slice(1, -1).replace(/\\(.)/g, (_, c: string) => escapes[c] ?? c);
  }
  const n = Number(token);
  return Number.isNaN(n) ? token : n;
}

export function parseTextFormat(text: string): TextMessage {
  const tokens = tokenize(text);
  let i = 0;
  const next = (): string => {
    const t = tokens[i++];
    if (t === undefined) throw new ConfigSyntaxError('unexpected end of input');
    return t;
  };
  const value = (): TextValue => {
    const t = next();
    if (t === '{' || t === '<') return message(t === '{' ? '}' : '>');
    if (/^[:{}[\],;<>]$/.test(t)) throw new ConfigSyntaxError(`expected a value, got '${t}'`);
    return scalar(t);
  };
  const message = (close: string | undefined): TextMessage => {
    const out: TextMessage = {};
    while (i < tokens.length && tokens[i] !== close) {
      const field = next();
      if (!/^[A-Za-z_]/.test(field)) throw new ConfigSyntaxError(`expected a field name, got '${field}'`);
      if (tokens[i] === ':') i++;
      const values = (out[field] ??= []);
      if (tokens[i] === '[') {
        i++;
        while (tokens[i] !== ']') {
          values.push(value());
          if (tokens[i] === ',') i++;
        }
        i++;
      } else {
        values.push(value());
      }
      if (tokens[i] === ',' || tokens[i] === ';') i++;
    }
    if (close !== undefined) {
      if (i >= tokens.length) throw new ConfigSyntaxError(`missing '${close}'`);
      i++;
    }
    return out;
  };
  return message(undefined);
}

function str(m: TextMessage, field: string): string | undefined {
  const v = m[field]?.[0];
  return typeof v === 'string' ? v : undefined;
}

function messages(m: TextMessage, field: string): TextMessage[] {
  return (m[field] ?? []).filter((v): v is TextMessage => typeof v === 'object');
}

/** An integer field within [min, max] (or absent): a ConfigSyntaxError naming the field otherwise. */
function int(m: TextMessage, field: string, where: string, min: number, max: number): number | undefined {
  const v = m[field]?.[0];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new ConfigSyntaxError(`${where}${field} is ${JSON.stringify(v)}; it must be an integer from ${min} to ${max}`);
  return v;
}

function tensor(m: TextMessage, where: string): TensorConfig {
  const name = str(m, 'name');
  if (!name) throw new ConfigSyntaxError(`${where} has no name`);
  const dims = (m.dims ?? []).map((d) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || (d < 1 && d !== -1)) throw new ConfigSyntaxError(`${where}.dims holds ${JSON.stringify(d)}; dims are positive integers (or -1 for a variable one)`);
    return d;
  });
  if (dims.length > CONFIG_LIMITS.dims) throw new ConfigSyntaxError(`${where}.dims has ${dims.length} dimensions; at most ${CONFIG_LIMITS.dims} are accepted`);
  const dataType = str(m, 'data_type') ?? 'TYPE_FP32';
  if (!(TRITON_DATA_TYPES as readonly string[]).includes(dataType)) throw new ConfigSyntaxError(`${where}.data_type ${dataType} is not a Triton data type (${TRITON_DATA_TYPES.join(', ')})`);
  const reshapeBlock = messages(m, 'reshape')[0];
  const reshape = reshapeBlock ? (reshapeBlock.shape ?? []).map((d) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < -1) throw new ConfigSyntaxError(`${where}.reshape.shape holds ${JSON.stringify(d)}; dims are integers from -1`);
    return d;
  }) : undefined;
  const labelFilename = str(m, 'label_filename');
  // A label file lives in the model's folder: a path would name something else.
  if (labelFilename !== undefined && (!/^[^/\\]+$/.test(labelFilename) || labelFilename === '..' || labelFilename === '.')) {
    throw new ConfigSyntaxError(`${where}.label_filename '${labelFilename}' must be a file name in the model's folder, not a path`);
  }
  return { name, dataType: dataType as TritonDataType, dims, ...(reshape ? { reshape } : {}), ...(labelFilename ? { labelFilename } : {}) };
}

function versionPolicy(m: TextMessage): VersionPolicy | undefined {
  const policy = messages(m, 'version_policy')[0];
  if (!policy) return undefined;
  const latest = messages(policy, 'latest')[0];
  if (latest) return { latest: int(latest, 'num_versions', 'version_policy.latest.', 1, 1_000_000) ?? 1 };
  const specific = messages(policy, 'specific')[0];
  if (specific) {
    const versions = (specific.versions ?? []).map((v) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ConfigSyntaxError(`version_policy.specific.versions holds ${JSON.stringify(v)}; versions are positive integers`);
      return v;
    });
    if (versions.length === 0) throw new ConfigSyntaxError('version_policy.specific lists no versions');
    return { specific: versions };
  }
  return { all: true };
}

/** Parses config.pbtxt into the fields the server uses; `fallbackName` is the folder name (Triton's default). */
export function parseConfigPbtxt(text: string, fallbackName: string): ModelConfig {
  const m = parseTextFormat(text);
  const platform = str(m, 'platform');
  const backend = str(m, 'backend');
  if ((platform && platform !== 'onnxruntime_onnx') || (backend && backend !== 'onnxruntime')) {
    throw new ConfigSyntaxError(`platform '${platform ?? backend}' is not served here; only onnxruntime_onnx models are`);
  }
  const batching = messages(m, 'dynamic_batching')[0];
  const delay = batching ? int(batching, 'max_queue_delay_microseconds', 'dynamic_batching.', 0, CONFIG_LIMITS.maxQueueDelayMicroseconds) ?? 0 : undefined;
  const counts = messages(m, 'instance_group').map((g, i) => int(g, 'count', `instance_group[${i}].`, 1, CONFIG_LIMITS.instances) ?? 1);
  const instances = counts.reduce((sum, c) => sum + c, 0);
  if (instances > CONFIG_LIMITS.instances) throw new ConfigSyntaxError(`instance_group counts add up to ${instances}; at most ${CONFIG_LIMITS.instances} inference threads are started for a model`);
  const inputs = messages(m, 'input').map((t, i) => tensor(t, `input[${i}]`));
  const policy = versionPolicy(m);
  return {
    name: str(m, 'name') ?? fallbackName,
    platform: 'onnxruntime_onnx',
    maxBatchSize: int(m, 'max_batch_size', '', 0, CONFIG_LIMITS.maxBatchSize) ?? 0,
    inputs,
    outputs: messages(m, 'output').map((t, i) => tensor(t, `output[${i}]`)),
    ...(delay !== undefined ? { maxQueueDelayMicroseconds: delay } : {}),
    instanceCount: instances || 1,
    ...(policy ? { versionPolicy: policy } : {}),
  };
}
