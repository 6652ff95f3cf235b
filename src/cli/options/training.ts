// The options `onnx-edge train` and `onnx-edge pipeline` share, with their ranges written once. The pipeline
// sizes training by machine, so where its defaults differ it keeps the entry and rewrites only the help line.
import { BACKEND_CHOICES, KERNEL_CHOICES, NETWORK_NAMES, VARIANTS } from '@onnx-edge/core';
import type { OptionSpec } from '@onnx-edge/core/cli';

const BACKEND_ORDER = 'auto: tfjs-node-gpu → tfjs-node → webgpu → wasm → cpu';

export const TRAINING_OPTIONS = {
  model: { flag: 'model', placeholder: 'NAME', kind: { type: 'choice', choices: NETWORK_NAMES }, help: '{range}' },
  variant: {
    flag: 'variant', kind: { type: 'choice', choices: VARIANTS },
    help: "seed (default, as the tutorial behaves) or standard (see 'onnx-edge summary --help')",
  },
  data: {
    flag: 'data', placeholder: 'SRC', kind: { type: 'string' },
    help: "a CIFAR-10 folder, .bin file or cifar-10-binary.tar.gz; 'synthetic'; or 'auto' (default: $CIFAR10_DIR, else what 'onnx-edge data download' fetched, else synthetic images)",
  },
  valData: {
    flag: 'val-data', placeholder: 'SRC', kind: { type: 'string' },
    help: "validation records (default: the folder's test_batch.bin, else the last 10% of the training records, held out)",
  },
  epochs: { flag: 'epochs', kind: { type: 'int', min: 1, max: 10_000 }, help: 'total epochs of the run (default 5; a resumed run continues its count)' },
  batchSize: { flag: 'batch-size', kind: { type: 'int', min: 1, max: 65_536 }, help: 'default 128 for inception10, 32 for the ResNets' },
  limit: { flag: 'limit', kind: { type: 'int', min: 1, max: Number.MAX_SAFE_INTEGER }, help: 'train on the first N records only' },
  valLimit: { flag: 'val-limit', kind: { type: 'int', min: 1, max: Number.MAX_SAFE_INTEGER }, help: 'validate on the first N records only' },
  backend: { flag: 'backend', placeholder: 'B', kind: { type: 'choice', choices: BACKEND_CHOICES }, help: `{range} (default ${BACKEND_ORDER})` },
  kernels: {
    flag: 'kernels', placeholder: 'K', kind: { type: 'choice', choices: KERNEL_CHOICES },
    help: '{range}: who computes the convolutions and matrix products on the wasm backend — ort (onnxruntime-node, every core), wasm (XNNPACK, one thread); default auto: ort when it starts, else wasm with one line saying why',
  },
  preciseBn: {
    flag: 'precise-bn', kind: { type: 'int', min: 0, max: 1_000_000 },
    help: 'after each epoch, re-estimate every BatchNorm\'s moving mean/variance on N training images (a fixed seeded subset, inference mode, layer by layer: "precise BatchNorm") before validating and saving (default 2048). Keras\' moving averages (momentum 0.99) lag behind the weights in short trainings; 0 keeps them, as the tutorial does',
  },
} as const satisfies Record<string, OptionSpec>;
