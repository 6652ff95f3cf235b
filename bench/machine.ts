// Facts about the machine and software a result was measured on, recorded in every results file so that
// figures from different hosts are never compared blind.
import { createRequire } from 'node:module';
import { availableParallelism, cpus, hostname, loadavg, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';

export interface MachineFacts {
  host: string;
  cpuModel: string;
  /** Logical cores the process may use. */
  cores: number;
  /** SIMD extensions the kernels can use (from /proc/cpuinfo where present). */
  simd: string[];
  memoryGiB: number;
  os: string;
  node: string;
  packages: Record<string, string>;
  loadAverage: number[];
}

const PACKAGES = ['onnxruntime-node', 'onnxruntime-web', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node', 'playwright-core'];

function packageVersion(name: string): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return undefined; // not installed (an optional package)
  }
}

function simdFlags(): string[] {
  try {
    const flags = readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1]?.trim().split(/\s+/) ?? [];
    return ['sse4_2', 'avx', 'avx2', 'fma', 'avx512f', 'avx512_vnni', 'avx512_bf16', 'amx_tile'].filter((f) => flags.includes(f));
  } catch {
    return [];
  }
}

export function safeHostname(): string {
  return hostname().replace(/[^A-Za-z0-9._-]/g, '_');
}

export function machineFacts(): MachineFacts {
  const packages: Record<string, string> = {};
  for (const name of PACKAGES) {
    const version = packageVersion(name);
    if (version) packages[name] = version;
  }
  return {
    host: safeHostname(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    simd: simdFlags(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${process.platform} ${process.arch}`,
    node: process.version,
    packages,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
