// Server settings: defaults, and the ONNX_EDGE_* environment variables (flags override them in the CLI).
// Environment values are validated here, at the boundary, with errors that name the variable.
import type { EpChoice } from './inference/session.ts';
import { ALLOWED_HOST_PATTERN } from './hosts.ts';
import type { LogLevel } from './logging.ts';

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
  /** Requests whose images hold more pixels together are refused before decoding. */
  maxRequestPixels: number;
  /** Requests with more images (multipart) are refused. */
  maxImages: number;
  /** A request (headers and body) not received completely within this time is answered 408 and closed. */
  requestTimeoutMs: number;
  /** Allowed CORS origins; empty = CORS off. */
  cors: string[];
  /** Host names answered besides localhost and IP addresses ('.domain' for subdomains, '*' for any; hosts.ts). */
  allowedHosts: string[];
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
  maxRequestPixels: 40_000_000,
  maxImages: 64,
  requestTimeoutMs: 60_000,
  cors: [],
  allowedHosts: [],
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

export const EP_CHOICES = ['auto', 'cuda', 'cpu'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Parses a comma-separated CORS origin list ('*' allowed). */
export function parseCorsOrigins(raw: string | undefined): string[] {
  return (raw ?? '').split(',').map((o) => o.trim()).filter((o) => o.length > 0);
}

/** Parses a comma-separated list of host names (hosts.ts); `source` names the flag or variable in errors. */
export function parseAllowedHosts(raw: string, source: string): string[] {
  const hosts = raw.split(',').map((h) => h.trim()).filter((h) => h.length > 0);
  const bad = hosts.find((h) => !ALLOWED_HOST_PATTERN.test(h));
  if (bad !== undefined) throw new ConfigError(`${source}: '${bad}' is not a host name; give names such as app.example, .example.com for a domain, or * for any`);
  return hosts;
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
    maxRequestPixels: int(env, 'ONNX_EDGE_MAX_REQUEST_PIXELS', 1024, 1_000_000_000),
    maxImages: int(env, 'ONNX_EDGE_MAX_IMAGES', 1, 4096),
    requestTimeoutMs: int(env, 'ONNX_EDGE_REQUEST_TIMEOUT_MS', 100, 3_600_000),
    cors: env.ONNX_EDGE_CORS ? parseCorsOrigins(env.ONNX_EDGE_CORS) : undefined,
    allowedHosts: env.ONNX_EDGE_ALLOWED_HOSTS ? parseAllowedHosts(env.ONNX_EDGE_ALLOWED_HOSTS, 'ONNX_EDGE_ALLOWED_HOSTS') : undefined,
    webRoot: env.ONNX_EDGE_WEB_ROOT || undefined,
    logLevel: choice(env, 'ONNX_EDGE_LOG_LEVEL', LOG_LEVELS),
    httpNice: int(env, 'ONNX_EDGE_HTTP_NICE', 0, 19),
  };
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined)) as Partial<ServerSettings>;
}
