// Server settings: defaults, and the ONNX_EDGE_* environment variables (flags override them in the CLI).
// Environment values are validated here, at the boundary, with errors that name the variable.
import { EP_CHOICES, LOG_LEVELS, type EpChoice, type LogLevel } from '@onnx-edge/core';

export interface ServerSettings {
  /** Model repository (Triton layout); or `model`, a single .onnx file. */
  repo?: string;
  model?: string;
  port: number;
  host: string;
  ep: EpChoice;
  /** Override config.pbtxt's max_batch_size / max_queue_delay_microseconds. */
  maxBatch?: number;
  maxQueueDelayMs?: number;
  /** Inference threads per model (overrides config.pbtxt's instance_group count); cores are split between them. */
  instances?: number;
  /** Most inputs waiting per model before requests are refused with 429. */
  maxQueue: number;
  maxBodyBytes: number;
  /** Images above this many pixels are refused before decoding. */
  maxInputPixels: number;
  /** A request (headers and body) not received completely within this time is answered 408 and closed. */
  requestTimeoutMs: number;
  /** Allowed CORS origins; empty = CORS off. */
  cors: string[];
  /** Built web demo; undefined = the default folder (web-demo/dist at the repository root). */
  webRoot?: string;
  logLevel: LogLevel;
  /**
   * Nice value of the HTTP thread (0–19; 0 = unchanged). Above the inference threads' so that, when the
   * CPU is saturated, the model runs first and HTTP work fills the gaps (priority.ts). Linux only.
   */
  httpNice: number;
}

export const DEFAULTS = {
  port: 8080,
  host: '127.0.0.1',
  ep: 'auto',
  maxQueue: 1024,
  maxBodyBytes: 16 * 1024 * 1024,
  maxInputPixels: 40_000_000,
  requestTimeoutMs: 60_000,
  cors: [],
  logLevel: 'info',
  httpNice: 10,
} as const satisfies Partial<ServerSettings>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function int(env: NodeJS.ProcessEnv, key: string, min: number, max: number): number | undefined {
  const raw = env[key];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${key} must be an integer from ${min} to ${max}, got '${raw}'`);
  return n;
}

function num(env: NodeJS.ProcessEnv, key: string, min: number, max: number): number | undefined {
  const raw = env[key];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new ConfigError(`${key} must be a number from ${min} to ${max}, got '${raw}'`);
  return n;
}

function choice<T extends string>(env: NodeJS.ProcessEnv, key: string, choices: readonly T[]): T | undefined {
  const raw = env[key];
  if (raw === undefined || raw === '') return undefined;
  if (!(choices as readonly string[]).includes(raw)) throw new ConfigError(`${key} must be one of ${choices.join('|')}, got '${raw}'`);
  return raw as T;
}


/** Parses a comma-separated CORS origin list ('*' allowed). */
export function parseCorsOrigins(raw: string | undefined): string[] {
  return (raw ?? '').split(',').map((o) => o.trim()).filter((o) => o.length > 0);
}

/** Settings given by ONNX_EDGE_* variables; absent variables are left out. */
export function settingsFromEnv(env: NodeJS.ProcessEnv): Partial<ServerSettings> {
  const entries: Partial<ServerSettings> = {
    repo: env.ONNX_EDGE_REPO || undefined,
    model: env.ONNX_EDGE_MODEL || undefined,
    port: int(env, 'ONNX_EDGE_PORT', 0, 65535),
    host: env.ONNX_EDGE_HOST || undefined,
    ep: choice(env, 'ONNX_EDGE_EP', EP_CHOICES),
    maxBatch: int(env, 'ONNX_EDGE_MAX_BATCH', 1, 4096),
    maxQueueDelayMs: num(env, 'ONNX_EDGE_MAX_QUEUE_DELAY_MS', 0, 10_000),
    maxQueue: int(env, 'ONNX_EDGE_MAX_QUEUE', 1, 1_000_000),
    instances: int(env, 'ONNX_EDGE_INSTANCES', 1, 64),
    maxBodyBytes: int(env, 'ONNX_EDGE_MAX_BODY_BYTES', 1024, 1024 ** 3),
    maxInputPixels: int(env, 'ONNX_EDGE_MAX_INPUT_PIXELS', 1024, 1_000_000_000),
    requestTimeoutMs: int(env, 'ONNX_EDGE_REQUEST_TIMEOUT_MS', 100, 3_600_000),
    cors: env.ONNX_EDGE_CORS ? parseCorsOrigins(env.ONNX_EDGE_CORS) : undefined,
    webRoot: env.ONNX_EDGE_WEB_ROOT || undefined,
    logLevel: choice(env, 'ONNX_EDGE_LOG_LEVEL', LOG_LEVELS),
    httpNice: int(env, 'ONNX_EDGE_HTTP_NICE', 0, 19),
  };
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined)) as Partial<ServerSettings>;
}
