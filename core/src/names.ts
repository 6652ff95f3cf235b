// The names every package and command shares: the seed networks and their variants, the training backends,
// the inference execution providers and the log levels. One list each, so a CLI's choices, a config file's
// validation and a help text cannot disagree.

/** The seed networks of the Keras tutorials (see `onnx-edge summary`). */
export const NETWORK_NAMES = ['inception10', 'resnet18', 'resnet34'] as const;
export type NetworkName = (typeof NETWORK_NAMES)[number];

/**
 * 'seed' = as the tutorial behaves (default); 'standard' = the textbook CIFAR form. For Inception10 both
 * are the same architecture; for ResNet 'standard' keeps the first stage at stride 1 without projection.
 */
export const VARIANTS = ['seed', 'standard'] as const;
export type Variant = (typeof VARIANTS)[number];

/** tfjs backends training can ask for; 'auto' takes the fastest that starts. */
export const BACKEND_CHOICES = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** onnxruntime-node execution providers the server can ask for; 'auto' tries CUDA, then the CPU. */
export const EP_CHOICES = ['auto', 'cuda', 'cpu'] as const;
export type EpChoice = (typeof EP_CHOICES)[number];

/** pino's levels, most severe first. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Who computes the heavy training kernels on the wasm backend: onnxruntime-node, XNNPACK, or 'auto' (ort if it starts). */
export const KERNEL_CHOICES = ['auto', 'ort', 'wasm'] as const;
export type KernelChoice = (typeof KERNEL_CHOICES)[number];
