// onnxruntime-node, called synchronously. tfjs runs a kernel as a synchronous function, while
// onnxruntime-node's public InferenceSession only creates and runs sessions behind promises. Its native
// binding, which that API wraps (dist/binding.js), loads and runs a model synchronously, reads float32 inputs
// in place from any ArrayBuffer-backed typed array and writes into preallocated outputs: views of the wasm
// backend's heap go in and out without a copy. (A worker behind SharedArrayBuffer + Atomics.wait would keep
// to the public API, but the binding rejects SharedArrayBuffer views, so every tensor would be copied four
// times: bench/NOTES.md, finding 10.) The binding is not a documented API: `startNativeRuntime` checks its
// shape and runs a probe model, and the caller falls back to the wasm kernels with the reason when it fails.
import { createRequire } from 'node:module';
import { onnx } from '@onnx-edge/proto';

export interface NativeTensor {
  readonly dims: readonly number[];
  readonly type: 'float32';
  readonly location: 'cpu';
  readonly data: Float32Array;
}

interface BindingSession {
  loadModel(buffer: ArrayBufferLike, byteOffset: number, byteLength: number, options: object): void;
  run(feeds: Record<string, NativeTensor>, fetches: Record<string, NativeTensor>): unknown;
  /** Frees the session's native memory; older bindings leave that to the garbage collector. */
  dispose?(): void;
}

interface BindingModule {
  binding: { InferenceSession: new () => BindingSession };
  initOrt(): void;
}

/** One loaded model: run it with named float32 views; outputs are written into the views given. */
export interface NativeSession {
  run(inputs: Record<string, NativeTensor>, outputs: Record<string, NativeTensor>): void;
  dispose(): void;
}

export interface NativeRuntime {
  /** Intra-op threads of a session unless `load` says otherwise (the calling thread is one of them). */
  readonly threads: number;
  load(model: Uint8Array, threads?: number): NativeSession;
}

export function nativeTensor(dims: readonly number[], data: Float32Array): NativeTensor {
  return { dims, type: 'float32', location: 'cpu', data };
}

/**
 * Session options: graph optimisations on; threads that sleep as soon as a run ends (spinning ones would
 * take the core the wasm backend needs for the kernels between two runs: bench/NOTES.md, finding 1).
 */
function sessionOptions(threads: number): object {
  return {
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    enableCpuMemArena: true,
    enableMemPattern: true,
    extra: { session: { 'intra_op.allow_spinning': '0', 'inter_op.allow_spinning': '0' } },
  };
}

function isBindingModule(value: unknown): value is BindingModule {
  const candidate = value as Partial<BindingModule> | null;
  return typeof candidate?.initOrt === 'function' && typeof candidate.binding?.InferenceSession === 'function';
}

/** A model computing y = x + x on a [2] tensor: proves that loading, running and writing in place work. */
function probeModel(): Uint8Array {
  const type = { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimValue: 2 }] } } };
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: 'probe', node: [{ opType: 'Add', input: ['x', 'x'], output: ['y'] }], input: [{ name: 'x', type }], output: [{ name: 'y', type }] },
  }).finish();
}

export type RuntimeStart = { ok: true; runtime: NativeRuntime } | { ok: false; why: string };

export function startNativeRuntime(threads: number): RuntimeStart {
  let module: unknown;
  try {
    module = createRequire(import.meta.url)('onnxruntime-node/dist/binding.js');
  } catch (err) {
    return { ok: false, why: `onnxruntime-node's native binding did not load: ${(err as Error).message.split('\n')[0]}` };
  }
  if (!isBindingModule(module)) return { ok: false, why: "onnxruntime-node's dist/binding.js has no InferenceSession/initOrt (a version this project does not know)" };
  const { binding, initOrt } = module;
  initOrt();
  const runtime: NativeRuntime = {
    threads,
    load(model, sessionThreads = threads) {
      const session = new binding.InferenceSession();
      session.loadModel(model.buffer, model.byteOffset, model.byteLength, sessionOptions(sessionThreads));
      return { run: (inputs, outputs) => void session.run(inputs, outputs), dispose: () => session.dispose?.() };
    },
  };
  try {
    const x = new Float32Array([1.5, -2]);
    const y = new Float32Array(2);
    runtime.load(probeModel()).run({ x: nativeTensor([2], x) }, { y: nativeTensor([2], y) });
    if (y[0] !== 3 || y[1] !== -4) return { ok: false, why: `onnxruntime-node's probe model wrote [${y.join(', ')}] instead of [3, -4] into its output` };
  } catch (err) {
    return { ok: false, why: `onnxruntime-node's probe model failed: ${(err as Error).message.split('\n')[0]}` };
  }
  return { ok: true, runtime };
}
