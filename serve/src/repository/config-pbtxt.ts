// Triton's model configuration (config.pbtxt, protobuf text format): written next to every exported model so
// the same folder runs under Triton Inference Server, and read back by our server for batch size and names.
// Only the fields an onnxruntime_onnx classifier needs are modelled; unknown fields are parsed and ignored.

export type TritonDataType = 'TYPE_FP32' | 'TYPE_FP16' | 'TYPE_INT64' | 'TYPE_INT32' | 'TYPE_UINT8';

export interface TensorConfig {
  name: string;
  dataType: TritonDataType;
  /** Dimensions without the batch dimension (Triton adds it when max_batch_size > 0). */
  dims: number[];
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

function num(m: TextMessage, field: string): number | undefined {
  const v = m[field]?.[0];
  return typeof v === 'number' ? v : undefined;
}

function messages(m: TextMessage, field: string): TextMessage[] {
  return (m[field] ?? []).filter((v): v is TextMessage => typeof v === 'object');
}

function tensor(m: TextMessage, where: string): TensorConfig {
  const name = str(m, 'name');
  if (!name) throw new ConfigSyntaxError(`${where} has no name`);
  const dims = (m.dims ?? []).map((d) => {
    if (typeof d !== 'number' || !Number.isInteger(d)) throw new ConfigSyntaxError(`${where} '${name}' has a non-integer dim`);
    return d;
  });
  const labelFilename = str(m, 'label_filename');
  return { name, dataType: (str(m, 'data_type') ?? 'TYPE_FP32') as TritonDataType, dims, ...(labelFilename ? { labelFilename } : {}) };
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
  const delay = batching ? num(batching, 'max_queue_delay_microseconds') ?? 0 : undefined;
  const count = messages(m, 'instance_group').reduce((sum, g) => sum + (num(g, 'count') ?? 1), 0);
  return {
    name: str(m, 'name') ?? fallbackName,
    platform: 'onnxruntime_onnx',
    maxBatchSize: num(m, 'max_batch_size') ?? 0,
    inputs: messages(m, 'input').map((t) => tensor(t, 'input')),
    outputs: messages(m, 'output').map((t) => tensor(t, 'output')),
    ...(delay !== undefined ? { maxQueueDelayMicroseconds: delay } : {}),
    instanceCount: count || 1,
  };
}
