// Picks the training backend: `auto` takes the fastest one that works on this machine, in the order
// tfjs-node-gpu (CUDA) → tfjs-node → webgpu (a real GPU adapter only) → wasm → cpu, and says why each better
// one was skipped. An explicit choice either works or fails with the reason and the fix.
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { registerWasmTrainingKernels } from '../kernels/register.ts';
import { BACKEND_CHOICES, type BackendChoice } from '@onnx-edge/core';
import type { WebgpuAdapterInfo } from './webgpu.ts';

export interface BackendSelection {
  /** The tfjs backend name now active: 'tensorflow', 'webgpu', 'wasm' or 'cpu'. */
  name: string;
  /** One line: what runs and on what. */
  reason: string;
  /** Better candidates that were tried and not used, best first. */
  skipped: { name: string; why: string }[];
  adapter?: WebgpuAdapterInfo;
}

type Attempt = { ok: true; reason: string; adapter?: WebgpuAdapterInfo } | { ok: false; why: string };

interface Candidate {
  name: string;
  attempt(allowSoftwareAdapter: boolean): Promise<Attempt>;
}

/** Imports an optional package by a runtime name (so the type-checker does not require it installed). */
async function importOptional(specifier: string): Promise<{ ok: true } | { ok: false; why: string }> {
  try {
    await import(specifier);
    return { ok: true };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if ((e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') && e.message.includes(specifier)) {
      return { ok: false, why: `not installed (npm install ${specifier} on a host that can download libtensorflow)` };
    }
    return { ok: false, why: `installed but failed to load: ${e.message.split('\n')[0]}` };
  }
}

async function activate(name: string): Promise<boolean> {
  return tf.findBackendFactory(name) !== undefined && (await tf.setBackend(name));
}

const tensorflowGpu: Candidate = {
  name: 'tensorflow-gpu',
  async attempt() {
    if (!existsSync('/dev/nvidiactl')) return { ok: false, why: 'no CUDA device (/dev/nvidiactl absent)' };
    const loaded = await importOptional('@tensorflow/tfjs-node-gpu');
    if (!loaded.ok) return loaded;
    if (!(await activate('tensorflow'))) return { ok: false, why: "loaded, but its 'tensorflow' backend did not start" };
    return { ok: true, reason: 'tfjs-node-gpu: libtensorflow with CUDA' };
  },
};

const tensorflowCpu: Candidate = {
  name: 'tensorflow',
  async attempt() {
    const loaded = await importOptional('@tensorflow/tfjs-node');
    if (!loaded.ok) return loaded;
    if (!(await activate('tensorflow'))) return { ok: false, why: "loaded, but its 'tensorflow' backend did not start" };
    return { ok: true, reason: 'tfjs-node: libtensorflow on the CPU, all cores' };
  },
};

const webgpu: Candidate = {
  name: 'webgpu',
  async attempt(allowSoftwareAdapter) {
    let setup: typeof import('./webgpu.ts');
    try {
      setup = await import('./webgpu.ts');
    } catch (err) {
      return { ok: false, why: `not available: ${(err as Error).message.split('\n')[0]}` };
    }
    const result = await setup.setupWebgpu({ allowSoftwareAdapter });
    if (!result.ok) return { ok: false, why: result.reason.replace(/^webgpu: /, '') };
    if (!(await activate('webgpu'))) {
      setup.teardownWebgpu();
      return { ok: false, why: 'adapter found, but the tfjs webgpu backend did not start' };
    }
    const a = result.adapter;
    return { ok: true, reason: `WebGPU on ${[a.vendor, a.architecture, a.device || a.description].filter(Boolean).join(' / ')}`, adapter: a };
  },
};

const wasm: Candidate = {
  name: 'wasm',
  async attempt() {
    try {
      await import('@tensorflow/tfjs-backend-wasm');
    } catch (err) {
      return { ok: false, why: `failed to load @tensorflow/tfjs-backend-wasm: ${(err as Error).message.split('\n')[0]}` };
    }
    if (!(await activate('wasm'))) return { ok: false, why: 'the wasm backend did not start' };
    registerWasmTrainingKernels();
    return { ok: true, reason: 'WebAssembly + XNNPACK (one thread under Node), with the project\'s training kernels' };
  },
};

const cpu: Candidate = {
  name: 'cpu',
  async attempt() {
    if (!(await activate('cpu'))) return { ok: false, why: 'the cpu backend did not start' };
    return { ok: true, reason: 'plain JavaScript kernels (slow: about 0.5 images/s for Inception10)' };
  },
};

const CANDIDATES: Record<Exclude<BackendChoice, 'auto'>, Candidate[]> = {
  tensorflow: [tensorflowGpu, tensorflowCpu],
  webgpu: [webgpu],
  wasm: [wasm],
  cpu: [cpu],
};
const AUTO_ORDER: Candidate[] = [tensorflowGpu, tensorflowCpu, webgpu, wasm, cpu];

/**
 * Activates a tfjs backend for training and reports the choice through `log` (one line per skipped
 * candidate, then the chosen one). Throws when an explicitly chosen backend cannot run, naming why.
 * A software WebGPU adapter (llvmpipe…) is accepted only when webgpu is asked for by name, unless
 * `allowSoftwareAdapter` says otherwise.
 */
export async function selectBackend(
  choice: BackendChoice,
  log: (line: string) => void = console.log,
  options: { allowSoftwareAdapter?: boolean } = {},
): Promise<BackendSelection> {
  const explicit = choice !== 'auto';
  const allowSoftwareAdapter = options.allowSoftwareAdapter ?? explicit;
  const candidates = explicit ? CANDIDATES[choice] : AUTO_ORDER;
  if (!candidates) throw new Error(`unknown backend '${choice}': use one of ${BACKEND_CHOICES.join(', ')}`);
  tf.env().set('PROD', true); // silences tfjs' console banner recommending tfjs-node: the log above says it
  const skipped: { name: string; why: string }[] = [];
  for (const candidate of candidates) {
    const result = await candidate.attempt(allowSoftwareAdapter);
    if (result.ok) {
      for (const s of skipped) log(`backend: skipped ${s.name}: ${s.why}`);
      log(`backend: ${tf.getBackend()} — ${result.reason}`);
      return { name: tf.getBackend(), reason: result.reason, skipped, ...(result.adapter ? { adapter: result.adapter } : {}) };
    }
    skipped.push({ name: candidate.name, why: result.why });
  }
  throw new Error(`backend '${choice}' cannot run here: ${skipped.map((s) => `${s.name}: ${s.why}`).join('; ')}`);
}

/** Frees what a selection holds (the WebGPU device, which otherwise keeps Node from exiting). */
export async function releaseBackend(selection: BackendSelection): Promise<void> {
  if (selection.name === 'webgpu') (await import('./webgpu.ts')).teardownWebgpu();
}
