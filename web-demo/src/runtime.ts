// onnxruntime-web: picks the execution provider, downloads the runtime binary for it (with progress, once: the
// same bytes go to ORT and to the offline cache), creates the session and runs it, timing each step apart.
// WebGPU runs only on a hardware adapter: a software fallback adapter (SwiftShader) is far slower than WASM,
// so it is used only when ?ep=webgpu asks for it. All runtime files come from our own origin (/ort/).
import type * as OrtWeb from 'onnxruntime-web';
import {
  imageToInput, inputDims, METADATA_KEYS, PROBABILITIES_NAME, softmax, type ImageInput, type ModelContract, type OutputKind, type PixelSize,
} from '@onnx-edge/core';
import { readWithProgress, type Progress } from './download.ts';
import { keepForOffline } from './offline.ts';

type Ort = typeof OrtWeb;

export type ExecutionProvider = 'webgpu' | 'wasm';

/** What the page should say about the execution provider. */
export interface ProviderReport {
  ran: ExecutionProvider;
  /** Why the page runs where it runs, when that needs saying (WebGPU skipped, failed or forced). */
  note?: string;
  /** The other choice, as a link: `ep` is the ?ep= value it sets (undefined: let the page choose). */
  offer?: { label: string; ep: ExecutionProvider | undefined };
  /** e.g. "google · swiftshader" for WebGPU, "4 threads" for WASM. */
  detail: string;
}

/** The parts of WebGPU this file touches (lib.dom does not declare them yet). */
interface GpuAdapterInfo { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean }
interface GpuAdapterLike { info?: GpuAdapterInfo; isFallbackAdapter?: boolean; features?: { has(name: string): boolean } }

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

/** An fp16 model where WebGPU with float16 shaders is not available: the page runs the float model instead. */
export class Fp16Unavailable extends Error {
  override name = 'Fp16Unavailable';
}
interface GpuLike { requestAdapter(): Promise<GpuAdapterLike | null> }

/** ?ep=webgpu|wasm forces a provider; anything else means "WebGPU on a hardware adapter, else WASM". */
export function requestedProvider(search: string): ExecutionProvider | undefined {
  const ep = new URLSearchParams(search).get('ep');
  return ep === 'webgpu' || ep === 'wasm' ? ep : undefined;
}

type Probe = { ok: true; software: boolean; shaderF16: boolean; name: string } | { ok: false; reason: string };

/** Whether WebGPU can run here, on what kind of adapter; the reason when it cannot. */
async function probeWebGpu(): Promise<Probe> {
  const gpu = (navigator as Navigator & { gpu?: GpuLike }).gpu;
  if (!gpu) return { ok: false, reason: 'this browser does not offer WebGPU' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { ok: false, reason: 'no WebGPU adapter is available (GPU blocked or disabled)' };
    const info = adapter.info ?? {};
    // isFallbackAdapter moved from the adapter to its info; SwiftShader is Chromium's CPU implementation.
    const software = Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter) || /swiftshader|llvmpipe|lavapipe|warp/i.test(`${info.architecture} ${info.description}`);
    return { ok: true, software, shaderF16: adapter.features?.has('shader-f16') ?? false, name: [info.vendor, info.architecture].filter(Boolean).join(' ') || 'unnamed adapter' };
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

export interface RuntimeDownload {
  bytes: number;
  ms: number;
}

const runtimeBase = () => new URL(`${import.meta.env.BASE_URL}ort/`, location.href);

/** The build's binary, downloaded once per page: ORT gets these bytes instead of fetching the file itself. */
async function downloadBinary(build: ExecutionProvider, onProgress: (progress: Progress) => void): Promise<{ binary: Uint8Array<ArrayBuffer>; download: RuntimeDownload }> {
  const url = new URL(ORT_BINARIES[build], runtimeBase());
  const started = performance.now();
  const response = await fetch(url);
  if (!response.ok) throw new Error(`the server answered ${url.pathname} with HTTP ${response.status}`);
  const binary = await readWithProgress(response, onProgress);
  const download = { bytes: binary.length, ms: performance.now() - started };
  // Kept for offline reloads now, so the offline cache never downloads it a second time.
  await keepForOffline(url, binary, 'application/wasm');
  return { binary, download };
}

const loaded = new Map<ExecutionProvider, Promise<{ ort: Ort; download: RuntimeDownload }>>();
function loadRuntime(build: ExecutionProvider, onProgress: (progress: Progress) => void): Promise<{ ort: Ort; download: RuntimeDownload }> {
  let runtime = loaded.get(build);
  if (!runtime) {
    runtime = (async () => {
      const [ort, { binary, download }] = await Promise.all([RUNTIMES[build](), downloadBinary(build, onProgress)]);
      ort.env.wasm.wasmPaths = runtimeBase().href; // the .mjs glue its worker threads load
      ort.env.wasm.wasmBinary = binary;
      // Threads need SharedArrayBuffer, which only a cross-origin isolated page (COOP + COEP) has.
      ort.env.wasm.numThreads = globalThis.crossOriginIsolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1)) : 1;
      ort.env.logLevel = 'error';
      return { ort, download };
    })();
    // A failed download may be retried.
    runtime.catch(() => loaded.delete(build));
    loaded.set(build, runtime);
  }
  return runtime;
}

export interface LoadedModel {
  /** The onnxruntime-web build the session belongs to (its Tensor class must make the inputs). */
  ort: Ort;
  session: OrtWeb.InferenceSession;
  provider: ProviderReport;
  input: ImageInput;
  outputKind: OutputKind;
  outputName: string;
  /** The runtime binary's download, on the first model of the page; a later model reuses it. */
  runtimeDownload: RuntimeDownload;
  sessionMs: number;
  firstInferenceMs: number;
}

export interface LoadHooks {
  onRuntimeProgress(progress: Progress): void;
  onSessionStart(): void;
}

/** Where to run, and what to tell the user about it. */
async function chooseProvider(forced: ExecutionProvider | undefined, precision: Precision): Promise<{ want: ExecutionProvider; note?: string; offer?: ProviderReport['offer'] }> {
  const letPageChoose = { label: 'Let the page choose', ep: undefined };
  // onnxruntime-web's WebGPU provider has no integer kernels: int8 runs on WASM's (QLinearConv, …).
  if (precision === 'int8') return { want: 'wasm', note: 'int8 models run on WebAssembly (WASM): onnxruntime-web has no WebGPU integer kernels.' };
  if (precision === 'fp16') {
    const probe = forced === 'wasm' ? { ok: false as const, reason: 'WASM was asked for (?ep=wasm)' } : await probeWebGpu();
    if (!probe.ok) throw new Fp16Unavailable(`float16 runs on WebGPU, which is not used here (${probe.reason})`);
    if (!probe.shaderF16) throw new Fp16Unavailable("this WebGPU adapter has no float16 shaders (the 'shader-f16' feature)");
    if (probe.software && forced !== 'webgpu') throw new Fp16Unavailable(`WebGPU's only adapter here is a software fallback (${probe.name})`);
    return { want: 'webgpu' };
  }
  if (forced === 'wasm') return { want: 'wasm', note: 'Running on WebAssembly (WASM), as ?ep=wasm asks.', offer: letPageChoose };
  const probe = await probeWebGpu();
  if (!probe.ok) return { want: 'wasm', note: `WebGPU is unavailable (${probe.reason}); running on WebAssembly (WASM) instead.` };
  if (forced === 'webgpu') {
    const software = probe.software ? ` on ${probe.name}, a software adapter slower than WASM here` : '';
    return { want: 'webgpu', note: `Running on WebGPU${software}, as ?ep=webgpu asks.`, offer: letPageChoose };
  }
  if (probe.software) {
    return {
      want: 'wasm',
      note: `WebGPU's only adapter here is a software fallback (${probe.name}), many times slower than WebAssembly: running on WebAssembly (WASM).`,
      offer: { label: 'Use WebGPU anyway', ep: 'webgpu' },
    };
  }
  return { want: 'webgpu' };
}

/**
 * Creates the session on the chosen provider and runs it once (the first, slowest inference). Where WebGPU is
 * chosen but fails on this model, the same build runs it on WASM and says so.
 */
export async function loadModel(bytes: Uint8Array, contract: ModelContract & { input: ImageInput }, forced: ExecutionProvider | undefined, hooks: LoadHooks, precision: Precision = 'fp32'): Promise<LoadedModel> {
  const choice = await chooseProvider(forced, precision);
  const { ort, download } = await loadRuntime(choice.want, hooks.onRuntimeProgress);
  hooks.onSessionStart();
  if (choice.want === 'wasm') return startSession(ort, bytes, contract, 'wasm', download, choice);
  try {
    return await startSession(ort, bytes, contract, 'webgpu', download, choice);
  } catch (error) {
    // The WebGPU build runs WASM too: no second runtime to download.
    return startSession(ort, bytes, contract, 'wasm', download, { note: `WebGPU failed on this model (${(error as Error).message}); running on WebAssembly (WASM) instead.` });
  }
}

/** Side of the blank image of the first inference when the model takes any size. */
const WARM_UP_SIDE = 64;

async function startSession(
  ort: Ort, bytes: Uint8Array, contract: ModelContract & { input: ImageInput }, want: ExecutionProvider, runtimeDownload: RuntimeDownload,
  choice: Pick<ProviderReport, 'note' | 'offer'>,
): Promise<LoadedModel> {
  const started = performance.now();
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: want === 'webgpu' ? ['webgpu', 'wasm'] : ['wasm'],
    graphOptimizationLevel: 'all',
  });
  const sessionMs = performance.now() - started;
  const model: LoadedModel = {
    ort, session, provider: describeProvider(ort, want, choice), input: contract.input, outputKind: contract.output.kind,
    // The same output the server ranks: `probabilities` where the model has it, else the first.
    outputName: session.outputNames.includes(PROBABILITIES_NAME) ? PROBABILITIES_NAME : session.outputNames[0]!,
    runtimeDownload, sessionMs, firstInferenceMs: 0,
  };
  const size = { width: contract.input.width ?? WARM_UP_SIDE, height: contract.input.height ?? WARM_UP_SIDE };
  try {
    model.firstInferenceMs = (await timeInference(model, new Uint8ClampedArray(size.width * size.height * 4), size)).ms;
  } catch (error) {
    await session.release();
    throw error;
  }
  return model;
}

/** onnxruntime-web hands the WebGPU EP's device to env.webgpu.device exactly when that EP was created. */
function describeProvider(ort: Ort, wanted: ExecutionProvider, choice: Pick<ProviderReport, 'note' | 'offer'>): ProviderReport {
  const device = (ort.env.webgpu as { device?: unknown }).device as { adapterInfo?: GpuAdapterInfo } | undefined;
  if (wanted === 'webgpu' && device) {
    const info = device.adapterInfo;
    const detail = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' · ') || 'GPU adapter';
    return { ran: 'webgpu', detail, ...choice };
  }
  const threads = ort.env.wasm.numThreads ?? 1;
  const detail = `${threads} thread${threads === 1 ? '' : 's'}${globalThis.crossOriginIsolated ? '' : ' (page not cross-origin isolated)'}`;
  if (wanted === 'webgpu') return { ran: 'wasm', detail, note: 'WebGPU did not start for this model; running on WebAssembly (WASM) instead.' };
  return { ran: 'wasm', detail, ...choice };
}

/** Runs one image (RGBA at `size`) through the model; returns the class probabilities and the wall time. */
export async function timeInference(model: LoadedModel, rgba: Uint8ClampedArray, size: PixelSize): Promise<{ probabilities: Float32Array; ms: number }> {
  const input = imageToInput(rgba, 4, size, model.input);
  const feeds = { [model.session.inputNames[0]!]: new model.ort.Tensor('float32', input, [1, ...inputDims(model.input, size)]) };
  const started = performance.now();
  const outputs = await model.session.run(feeds);
  const values = (await outputs[model.outputName]!.getData()) as Float32Array;
  const ms = performance.now() - started;
  for (const tensor of Object.values(outputs)) tensor.dispose();
  return { probabilities: model.outputKind === 'logits' ? softmax(values) : values.slice(), ms };
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
