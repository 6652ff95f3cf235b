// onnxruntime-web: picks the execution provider (WebGPU when the browser has an adapter, WASM otherwise or
// when ?ep=wasm forces it), loads the onnxruntime-web build for it, creates the session and runs it, timing
// each step. All runtime files come from our own origin (/ort/, copied there by the build).
import type * as OrtWeb from 'onnxruntime-web';
import {
  IMAGE_CHANNELS, IMAGE_SIZE, METADATA_KEYS, PROBABILITIES_NAME, pixelsToInput, softmax, type InputLayout,
} from '@onnx-edge/core';

type Ort = typeof OrtWeb;

export type ExecutionProvider = 'webgpu' | 'wasm';

/** What the page should say about the execution provider. */
export interface ProviderReport {
  ran: ExecutionProvider;
  /** A visible note when WebGPU was wanted but WASM runs. */
  note?: string;
  /** e.g. "google · swiftshader" for WebGPU, "4 threads" for WASM. */
  detail: string;
}

/** The parts of WebGPU this file touches (lib.dom does not declare them yet). */
interface GpuAdapterInfo { vendor?: string; architecture?: string; description?: string }
interface GpuLike { requestAdapter(): Promise<{ info?: GpuAdapterInfo; features?: { has(name: string): boolean } } | null> }

/** How a model file was quantized (its onnx_edge.quantization record), or 'fp32'. */
export type Precision = 'fp32' | 'int8' | 'fp16';

export interface Quantization {
  precision: Precision;
  /** SHA-256 of the float file a quantized one was made from: the float model to fall back to. */
  floatModelSha256?: string;
}

export function quantizationOf(metadata: Record<string, string | undefined>): Quantization {
  try {
    const record = JSON.parse(metadata[METADATA_KEYS.quantization] ?? '{}') as { precision?: unknown; floatModelSha256?: unknown };
    const precision = record.precision === 'int8' || record.precision === 'fp16' ? record.precision : 'fp32';
    return { precision, ...(typeof record.floatModelSha256 === 'string' ? { floatModelSha256: record.floatModelSha256 } : {}) };
  } catch {
    return { precision: 'fp32' };
  }
}

/** An fp16 model where WebGPU with shader-f16 is not available: the page runs the float model instead. */
export class Fp16Unavailable extends Error {
  override name = 'Fp16Unavailable';
}

/** ?ep=webgpu|wasm forces a provider; anything else means "WebGPU if possible". */
export function requestedProvider(search: string): ExecutionProvider | undefined {
  const ep = new URLSearchParams(search).get('ep');
  return ep === 'webgpu' || ep === 'wasm' ? ep : undefined;
}

/** Whether WebGPU can run here (and with float16 shaders); the reason when it cannot. */
async function probeWebGpu(): Promise<{ ok: true; shaderF16: boolean } | { ok: false; reason: string }> {
  const gpu = (navigator as Navigator & { gpu?: GpuLike }).gpu;
  if (!gpu) return { ok: false, reason: 'this browser does not offer WebGPU' };
  try {
    const adapter = await gpu.requestAdapter();
    return adapter ? { ok: true, shaderF16: adapter.features?.has('shader-f16') ?? false } : { ok: false, reason: 'no WebGPU adapter is available (GPU blocked or disabled)' };
  } catch (error) {
    return { ok: false, reason: `requesting a WebGPU adapter failed: ${(error as Error).message}` };
  }
}

/**
 * The onnxruntime-web build each provider loads, each in a chunk of its own. WebGPU needs the asyncify build
 * (a 27 MB .wasm); WASM alone runs the plain one: 14 MB to download, and its first calls after session
 * creation run at full speed where the asyncify build's run 2–4× slower on a small machine.
 */
const RUNTIMES: Record<ExecutionProvider, () => Promise<Ort>> = {
  webgpu: () => import('onnxruntime-web/webgpu'),
  wasm: () => import('onnxruntime-web/wasm'),
};

const configured = new WeakSet<Ort['env']>();
async function loadRuntime(provider: ExecutionProvider): Promise<Ort> {
  const ort = await RUNTIMES[provider]();
  if (!configured.has(ort.env)) {
    configured.add(ort.env);
    ort.env.wasm.wasmPaths = new URL(`${import.meta.env.BASE_URL}ort/`, location.href).href;
    // Threads need SharedArrayBuffer, which only a cross-origin isolated page (COOP + COEP) has.
    ort.env.wasm.numThreads = globalThis.crossOriginIsolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1)) : 1;
    ort.env.logLevel = 'error';
  }
  return ort;
}

export interface LoadedModel {
  /** The onnxruntime-web build the session belongs to (its Tensor class must make the inputs). */
  ort: Ort;
  session: OrtWeb.InferenceSession;
  provider: ProviderReport;
  layout: InputLayout;
  outputIsProbabilities: boolean;
  sessionMs: number;
  firstInferenceMs: number;
}

/**
 * Creates the session on the best available provider and runs it once (the first, slowest inference).
 * Where WebGPU is there but fails on this model, it starts again on WASM and says so.
 */
export async function loadModel(bytes: Uint8Array, layout: InputLayout, forced: ExecutionProvider | undefined, precision: Precision = 'fp32'): Promise<LoadedModel> {
  if (precision === 'int8') {
    // onnxruntime-web's WebGPU provider has no integer kernels: int8 runs on WASM's (QLinearConv, …).
    const note = forced === 'webgpu' ? 'int8 models run on WebAssembly (WASM): onnxruntime-web has no WebGPU integer kernels.' : undefined;
    return startSession(await loadRuntime('wasm'), bytes, layout, 'wasm', note);
  }
  if (precision === 'fp16') {
    const probe = forced === 'wasm' ? { ok: false as const, reason: 'WASM was asked for (?ep=wasm)' } : await probeWebGpu();
    if (!probe.ok) throw new Fp16Unavailable(`float16 runs on WebGPU, which is not used here (${probe.reason})`);
    if (!probe.shaderF16) throw new Fp16Unavailable("this WebGPU adapter has no float16 shaders (the 'shader-f16' feature)");
    return startSession(await loadRuntime('webgpu'), bytes, layout, 'webgpu');
  }
  if ((forced ?? 'webgpu') === 'wasm') return startSession(await loadRuntime('wasm'), bytes, layout, 'wasm');
  const probe = await probeWebGpu();
  if (!probe.ok) return startSession(await loadRuntime('wasm'), bytes, layout, 'wasm', `WebGPU is unavailable (${probe.reason}); running on WebAssembly (WASM) instead.`);
  const ort = await loadRuntime('webgpu');
  try {
    return await startSession(ort, bytes, layout, 'webgpu');
  } catch (error) {
    // The WebGPU build runs WASM too: no second runtime to download.
    return startSession(ort, bytes, layout, 'wasm', `WebGPU failed on this model (${(error as Error).message}); running on WebAssembly (WASM) instead.`);
  }
}

async function startSession(ort: Ort, bytes: Uint8Array, layout: InputLayout, want: ExecutionProvider, note?: string): Promise<LoadedModel> {
  const started = performance.now();
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: want === 'webgpu' ? ['webgpu', 'wasm'] : ['wasm'],
    graphOptimizationLevel: 'all',
  });
  const sessionMs = performance.now() - started;
  const outputIsProbabilities = session.outputNames.includes(PROBABILITIES_NAME);
  const model = { ort, session, provider: describeProvider(ort, want, note), layout, outputIsProbabilities, sessionMs, firstInferenceMs: 0 };
  try {
    model.firstInferenceMs = (await timeInference(model, new Uint8ClampedArray(IMAGE_SIZE * IMAGE_SIZE * 4))).ms;
  } catch (error) {
    await session.release();
    throw error;
  }
  return model;
}

/** onnxruntime-web hands the WebGPU EP's device to env.webgpu.device exactly when that EP was created. */
function describeProvider(ort: Ort, wanted: ExecutionProvider, note: string | undefined): ProviderReport {
  const device = (ort.env.webgpu as { device?: unknown }).device as { adapterInfo?: GpuAdapterInfo } | undefined;
  if (wanted === 'webgpu' && device) {
    const info = device.adapterInfo;
    const detail = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' · ') || 'GPU adapter';
    return { ran: 'webgpu', detail };
  }
  const threads = ort.env.wasm.numThreads ?? 1;
  const detail = `${threads} thread${threads === 1 ? '' : 's'}${globalThis.crossOriginIsolated ? '' : ' (page not cross-origin isolated)'}`;
  if (wanted === 'webgpu') note = 'WebGPU did not start for this model; running on WebAssembly (WASM) instead.';
  return { ran: 'wasm', detail, ...(note ? { note } : {}) };
}

/** Runs one 32×32 RGBA image through the model; returns the probabilities and the wall time. */
export async function timeInference(model: LoadedModel, rgba: Uint8ClampedArray): Promise<{ probabilities: Float32Array; ms: number }> {
  const input = pixelsToInput(rgba, 4, model.layout);
  const dims = model.layout === 'NCHW' ? [1, IMAGE_CHANNELS, IMAGE_SIZE, IMAGE_SIZE] : [1, IMAGE_SIZE, IMAGE_SIZE, IMAGE_CHANNELS];
  const feeds = { [model.session.inputNames[0]!]: new model.ort.Tensor('float32', input, dims) };
  const started = performance.now();
  const outputs = await model.session.run(feeds);
  const outputName = model.outputIsProbabilities ? PROBABILITIES_NAME : model.session.outputNames[0]!;
  const values = (await outputs[outputName]!.getData()) as Float32Array;
  const ms = performance.now() - started;
  for (const tensor of Object.values(outputs)) tensor.dispose();
  return { probabilities: model.outputIsProbabilities ? values.slice() : softmax(values), ms };
}

let busy: Promise<unknown> = Promise.resolve();
/**
 * Runs `task` after every task queued before it. A session must not run twice at once, nor be released
 * while it runs: a quick second drop or a model switch waits its turn.
 */
export function serialized<T>(task: () => Promise<T>): Promise<T> {
  const result = busy.then(task);
  busy = result.catch(() => undefined);
  return result;
}

export function releaseModel(model: LoadedModel): Promise<void> {
  return serialized(() => model.session.release());
}
