// The tfjs WebGPU backend in Node. Dawn's Node bindings (the optional npm package `webgpu`) provide the WebGPU API on
// top of a Vulkan driver, so GPU training needs only the npm registry and the system's Vulkan loader + driver — no
// libtensorflow, no CUDA download. This module owns every piece of global state that takes: setupWebgpu() installs
// navigator.gpu and the WebGPU globals and registers the tfjs 'webgpu' backend on the adapter it vetted;
// teardownWebgpu() removes them again, because Node does not exit while a Dawn instance is reachable.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

export interface WebgpuAdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
}

export type WebgpuSetup = { ok: true; adapter: WebgpuAdapterInfo } | { ok: false; reason: string };

const BACKEND_NAME = 'webgpu';
// The priority @tensorflow/tfjs-backend-webgpu registers itself with (above wasm 2 and cpu 1), kept so that
// tfjs's own "best available backend" choice behaves as it would with the package's registration.
const BACKEND_PRIORITY = 3;
// CPU implementations of Vulkan/WebGPU: correct, but no faster than the cpu backends for real work.
const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|swiftshader|software|\bcpu\b/i;
const LOADER_LIBRARY = 'libvulkan.so.1';

type NavigatorHolder = { navigator?: Record<string, unknown> };

interface ActiveWebgpu {
  gpu: GPU;
  adapter: GPUAdapter;
  info: WebgpuAdapterInfo;
  devices: GPUDevice[];
  createdNavigator: boolean;
  addedGlobals: string[];
}

let active: ActiveWebgpu | null = null;

/** Describes an adapter in one short line, e.g. "mesa / software / llvmpipe-llvm-15-0-6-256-bits-". */
export function formatAdapter(info: WebgpuAdapterInfo): string {
  return [info.vendor, info.architecture, info.device || info.description].map((part) => part || '?').join(' / ');
}

export function isSoftwareAdapter(info: WebgpuAdapterInfo): boolean {
  return info.isFallbackAdapter || [info.vendor, info.architecture, info.device, info.description].some((s) => SOFTWARE_ADAPTER.test(s));
}

/**
 * Finds a WebGPU adapter through Dawn and registers tfjs's 'webgpu' backend on it; afterwards
 * `await tf.setBackend('webgpu')` works. A software adapter (llvmpipe, SwiftShader, …) is accepted only with
 * allowSoftwareAdapter. On failure nothing stays installed and `reason` is one line naming the cause and the fix.
 */
export async function setupWebgpu(options: { allowSoftwareAdapter: boolean }): Promise<WebgpuSetup> {
  if (active) return vet(active.info, options.allowSoftwareAdapter);
  const dawn = await loadDawn();
  if ('reason' in dawn) return { ok: false, reason: dawn.reason };
  // Imported before navigator.gpu exists so the package registers no factory of its own: ours, below, uses the
  // adapter vetted here (the package's would request one again).
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');

  const powerPreference = tf.env().getBool('WEBGPU_USE_LOW_POWER_GPU') ? 'low-power' : 'high-performance';
  if (!options.allowSoftwareAdapter) {
    // Only a hardware adapter would do: ask in a child first, so a machine without one hears nothing from Dawn.
    const probed = probeAdapterInChild(powerPreference);
    if (probed === null) return { ok: false, reason: explainMissingAdapter() };
    if ('reason' in probed) return { ok: false, reason: probed.reason };
    const verdict = vet(probed, false);
    if (!verdict.ok) return verdict;
  }
  const gpu = dawn.create([]);
  const adapter = await gpu.requestAdapter({ powerPreference });
  if (!adapter) return { ok: false, reason: explainMissingAdapter() };
  const info = readAdapterInfo(adapter);
  const verdict = vet(info, options.allowSoftwareAdapter);
  if (!verdict.ok) return verdict;

  const state: ActiveWebgpu = { gpu, adapter, info, devices: [], createdNavigator: false, addedGlobals: [] };
  installGlobals(state, dawn.globals);
  active = state;
  if (tf.findBackendFactory(BACKEND_NAME)) tf.removeBackend(BACKEND_NAME);
  tf.registerBackend(BACKEND_NAME, async () => {
    const device = await state.adapter.requestDevice(deviceDescriptor(state.adapter));
    state.devices.push(device);
    return explainSyncReads(new WebGPUBackend(device, state.adapter.info));
  }, BACKEND_PRIORITY);
  return verdict;
}

/** Removes the 'webgpu' backend, destroys its device and uninstalls navigator.gpu, so Node can exit. Idempotent. */
export function teardownWebgpu(): void {
  const state = active;
  if (!state) return;
  active = null;
  if (tf.findBackendFactory(BACKEND_NAME)) tf.removeBackend(BACKEND_NAME);
  for (const device of state.devices) device.destroy();
  const holder = globalThis as NavigatorHolder;
  if (state.createdNavigator) delete holder.navigator;
  else if (holder.navigator) delete holder.navigator.gpu;
  for (const name of state.addedGlobals) delete (globalThis as Record<string, unknown>)[name];
}

/**
 * Brings every weight of `model` (trainable ones and BatchNorm statistics) from the WebGPU device into the
 * backend active now: set 'cpu' or 'wasm' first. WebGPU in Node has no synchronous readback, so tfjs cannot move
 * these tensors itself (dataSync(), a plain backend switch); this reads them asynchronously instead. Use it before
 * exporting or evaluating a webgpu-trained model elsewhere, and before teardownWebgpu().
 */
export async function moveWeightsToActiveBackend(model: tf.LayersModel): Promise<void> {
  if (tf.getBackend() === BACKEND_NAME) throw new Error(`moveWeightsToActiveBackend: set the target backend first (await tf.setBackend('cpu')), the active one is still '${BACKEND_NAME}'`);
  for (const weight of model.weights) {
    const current = weight.read();
    const copy = tf.tensor(await current.data(), current.shape, current.dtype);
    weight.write(copy);
    copy.dispose();
  }
}

// tfjs's synchronous readback on webgpu draws through an OffscreenCanvas, which Node lacks: replace the bare
// "OffscreenCanvas is not defined" with what the caller should do instead.
function explainSyncReads<B extends tf.KernelBackend>(backend: B): B {
  const readSync = backend.readSync.bind(backend);
  backend.readSync = (dataId) => {
    try {
      return readSync(dataId);
    } catch (error) {
      if (error instanceof ReferenceError && error.message.includes('OffscreenCanvas')) {
        throw new Error("webgpu in Node cannot read a GPU tensor synchronously (dataSync/arraySync/bufferSync, or moving it to another backend): use await tensor.data(), or moveWeightsToActiveBackend() for a model");
      }
      throw error;
    }
  };
  return backend;
}

function vet(info: WebgpuAdapterInfo, allowSoftwareAdapter: boolean): WebgpuSetup {
  if (isSoftwareAdapter(info) && !allowSoftwareAdapter) {
    return {
      ok: false,
      reason: `webgpu: only a software adapter is available (${formatAdapter(info)}), which is no faster than the cpu backends — request the webgpu backend explicitly to use it anyway, or install your GPU's Vulkan driver (docs/GPU.md)`,
    };
  }
  return { ok: true, adapter: info };
}

type DawnModule = { create(flags: string[]): GPU; globals: object };

async function loadDawn(): Promise<DawnModule | { reason: string }> {
  try {
    return (await import('webgpu')) as DawnModule;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND') {
      return { reason: 'webgpu: the optional npm package `webgpu` (Dawn for Node) is not installed — npm install -w train webgpu@0.6.2' };
    }
    const firstLine = String((error as Error).message ?? error).split('\n')[0];
    return { reason: `webgpu: Dawn's native module did not load on ${process.platform}-${process.arch} (${firstLine})` };
  }
}

// The WebGPU constants and classes (GPUBufferUsage, GPUMapMode, …) the tfjs backend reads as globals, plus
// navigator.gpu. An existing navigator (Node >= 21 has one) gets a `gpu` property instead of being replaced.
function installGlobals(state: ActiveWebgpu, globals: object): void {
  const target = globalThis as Record<string, unknown>;
  for (const [name, value] of Object.entries(globals)) {
    if (name in target) continue;
    target[name] = value;
    state.addedGlobals.push(name);
  }
  const holder = globalThis as NavigatorHolder;
  if (holder.navigator) {
    Object.defineProperty(holder.navigator, 'gpu', { value: state.gpu, configurable: true, writable: true });
  } else {
    holder.navigator = { gpu: state.gpu };
    state.createdNavigator = true;
  }
}

/**
 * Asks Dawn for an adapter in a child process and returns what it found (null: none). Dawn writes its own
 * diagnostics straight to the process's stderr, where JavaScript cannot catch them — a missing Vulkan loader
 * with a C++ source location, device limits it lowered — so `--backend auto` on a machine without a GPU would
 * print them at every start for an adapter it then skips. The child's stderr is dropped: the backend line
 * already says why webgpu was skipped.
 */
function probeAdapterInChild(powerPreference: GPUPowerPreference): WebgpuAdapterInfo | null | { reason: string } {
  const script = `
    const { create } = await import('webgpu');
    const adapter = await create([]).requestAdapter({ powerPreference: ${JSON.stringify(powerPreference)} });
    const info = adapter?.info ?? {};
    process.stdout.write(JSON.stringify(adapter ? {
      vendor: info.vendor ?? '', architecture: info.architecture ?? '', device: info.device ?? '', description: info.description ?? '',
      isFallbackAdapter: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter),
    } : null));
    process.exit(0); // a live Dawn instance keeps Node running`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: join(import.meta.dirname, '..', '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 30_000,
  });
  try {
    if (child.status !== 0) throw new Error(child.error?.message ?? `exit ${child.status ?? child.signal}`);
    return JSON.parse(child.stdout) as WebgpuAdapterInfo | null;
  } catch (error) {
    return { reason: `webgpu: asking Dawn for an adapter failed (${(error as Error).message.split('\n')[0]})` };
  }
}

function readAdapterInfo(adapter: GPUAdapter): WebgpuAdapterInfo {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    // Moved from GPUAdapter to GPUAdapterInfo by the spec; Dawn builds differ in where they report it.
    isFallbackAdapter: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter),
  };
}

// tfjs sizes its workgroups and buffers from these limits, so ask for the adapter's maxima rather than WebGPU's
// conservative defaults; timestamp-query lets tf.time() report kernel times when the adapter has it.
function deviceDescriptor(adapter: GPUAdapter): GPUDeviceDescriptor {
  const limits = adapter.limits;
  return {
    requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  };
}

function explainMissingAdapter(): string {
  if (process.platform === 'linux' && !vulkanLoaderPresent()) {
    return `webgpu: no Vulkan loader (${LOADER_LIBRARY}) — apt-get install libvulkan1 mesa-vulkan-drivers, or your GPU vendor's Vulkan driver`;
  }
  return 'webgpu: the Vulkan loader found no usable adapter — install your GPU\'s Vulkan driver (in containers expose it: NVIDIA_DRIVER_CAPABILITIES must include graphics), or Mesa >= 25\'s mesa-vulkan-drivers for the software adapter';
}

// Where the dynamic linker would find the loader Dawn dlopen()s: LD_LIBRARY_PATH, the ld.so cache, default dirs.
function vulkanLoaderPresent(): boolean {
  const dirs = [...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), '/lib', '/usr/lib', '/lib64', '/usr/lib64', `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`];
  if (dirs.some((dir) => existsSync(join(dir, LOADER_LIBRARY)))) return true;
  try {
    return execFileSync('ldconfig', ['-p'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/sbin:/usr/sbin` } }).includes(LOADER_LIBRARY);
  } catch {
    return false;
  }
}
