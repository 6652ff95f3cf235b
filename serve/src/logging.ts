// Structured JSON logs (pino): one line per request and per lifecycle event, with the request id.
import type { LogLevel } from '@onnx-edge/core';
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino({ level, base: { service: 'onnx-edge-serve' }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}
