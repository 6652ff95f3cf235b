// Name and version reported by the server metadata endpoint (GET /v2).
import { createRequire } from 'node:module';

export const SERVER_NAME = 'onnx-edge';
export const SERVER_VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
