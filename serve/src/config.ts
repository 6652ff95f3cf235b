// Server settings, each described once in SERVER_OPTIONS: its flag, its ONNX_EDGE_* environment variable, its
// range, its default and its help line. The CLI's flag parsing and help, the environment parsing and the
// defaults are all derived from that table (flags override variables).
import { EP_CHOICES, LOG_LEVELS, type EpChoice, type LogLevel } from '@onnx-edge/core';
import { optionDefaults, optionsFromEnv, type OptionTable } from '@onnx-edge/core/cli';
import { DEFAULT_MAX_BATCH_SIZE, DEFAULT_MAX_QUEUE_DELAY_MICROSECONDS } from './repository/writer.ts';

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

export const SERVER_OPTIONS = {
  repo: {
    flag: 'repo', env: 'ONNX_EDGE_REPO', placeholder: 'DIR', kind: { type: 'string' },
    help: "model repository in Triton's layout: DIR/<name>/config.pbtxt, labels.txt, <version>/model.onnx (the highest version is served)",
  },
  model: { flag: 'model', env: 'ONNX_EDGE_MODEL', placeholder: 'FILE', kind: { type: 'string' }, help: 'serve one .onnx file instead, named after the file' },
  port: { flag: 'port', env: 'ONNX_EDGE_PORT', kind: { type: 'int', min: 0, max: 65_535 }, default: 8080, help: 'TCP port, 0 = any free port (default {default})' },
  host: { flag: 'host', env: 'ONNX_EDGE_HOST', placeholder: 'ADDR', kind: { type: 'string' }, default: '127.0.0.1', help: 'address to bind (default {default}; 0.0.0.0 exposes it)' },
  ep: { flag: 'ep', env: 'ONNX_EDGE_EP', kind: { type: 'choice', choices: EP_CHOICES }, default: 'auto', help: 'execution provider; auto tries CUDA, falls back to CPU' },
  maxBatch: {
    flag: 'max-batch', env: 'ONNX_EDGE_MAX_BATCH', kind: { type: 'int', min: 1, max: 4096 },
    help: `largest batch per run (default: config.pbtxt, else ${DEFAULT_MAX_BATCH_SIZE})`,
  },
  maxQueueDelayMs: {
    flag: 'max-queue-delay-ms', env: 'ONNX_EDGE_MAX_QUEUE_DELAY_MS', kind: { type: 'number', min: 0, max: 10_000 },
    help: `longest wait to fill a batch (default: config.pbtxt, else ${DEFAULT_MAX_QUEUE_DELAY_MICROSECONDS / 1000})`,
  },
  maxQueue: { flag: 'max-queue', env: 'ONNX_EDGE_MAX_QUEUE', kind: { type: 'int', min: 1, max: 1_000_000 }, default: 1024, help: 'inputs waiting per model before 429 (default {default})' },
  instances: {
    flag: 'instances', env: 'ONNX_EDGE_INSTANCES', kind: { type: 'int', min: 1, max: 64 },
    help: "inference threads per model, sharing the cores (default: config.pbtxt's instance_group count, else 1)",
  },
  maxBodyBytes: {
    flag: 'max-body-bytes', env: 'ONNX_EDGE_MAX_BODY_BYTES', kind: { type: 'int', min: 1024, max: 1024 ** 3 }, default: 16 * 1024 * 1024,
    help: 'request body limit in bytes (default {default}, 16 MiB)',
  },
  maxInputPixels: {
    flag: 'max-input-pixels', env: 'ONNX_EDGE_MAX_INPUT_PIXELS', kind: { type: 'int', min: 1024, max: 1_000_000_000 }, default: 40_000_000,
    help: 'images above this many pixels are refused before decoding (default {default})',
  },
  requestTimeoutMs: {
    flag: 'request-timeout-ms', env: 'ONNX_EDGE_REQUEST_TIMEOUT_MS', kind: { type: 'int', min: 100, max: 3_600_000 }, default: 60_000,
    help: "answer 408 and close when a request's headers and body have not all arrived within N ms (default {default})",
  },
  cors: {
    flag: 'cors', env: 'ONNX_EDGE_CORS', placeholder: 'ORIGINS', kind: { type: 'list' }, default: [] as string[],
    help: "comma-separated allowed origins, '*' for any (default: CORS off)",
  },
  webRoot: {
    flag: 'web-root', env: 'ONNX_EDGE_WEB_ROOT', placeholder: 'DIR', kind: { type: 'string' },
    help: 'built web demo (default web-demo/dist); onnx-edge serve builds it there first when the folder is missing or empty',
  },
  logLevel: { flag: 'log-level', env: 'ONNX_EDGE_LOG_LEVEL', placeholder: 'LEVEL', kind: { type: 'choice', choices: LOG_LEVELS }, default: 'info', help: '{range} (default {default})' },
  httpNice: {
    flag: 'http-nice', env: 'ONNX_EDGE_HTTP_NICE', kind: { type: 'int', min: 0, max: 19 }, default: 10,
    help: 'nice value of the HTTP thread, {range} (default {default}): when the CPU is saturated the inference threads run first; 0 leaves it as is (Linux)',
  },
} as const satisfies OptionTable;

export const DEFAULTS = optionDefaults(SERVER_OPTIONS) satisfies Partial<ServerSettings>;

/** Settings given by ONNX_EDGE_* variables; absent variables are left out. A bad one is a ConfigError naming it. */
export function settingsFromEnv(env: NodeJS.ProcessEnv): Partial<ServerSettings> {
  return optionsFromEnv(SERVER_OPTIONS, env);
}
