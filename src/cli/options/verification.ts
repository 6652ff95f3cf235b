// The verification options, shared by `onnx-edge export` (as --verify-data, --verify-count, ...) and
// `onnx-edge verify` (as --data, --count, ...), and the request they make for exportAndVerify/verifyOnnxFile.
import { UsageError, type OptionTable, type OptionValues } from '@onnx-edge/core/cli';
import type { VerificationRequest } from '../../exporting/export-and-verify.ts';

export function verificationOptions<P extends '' | 'verify-'>(prefix: P) {
  return {
    data: { flag: `${prefix}data`, placeholder: 'DIR', kind: { type: 'string' }, help: 'CIFAR-10 images (official binary format) for RGB image inputs, resized to the verified size (default: seeded random inputs)' },
    count: { flag: `${prefix}count`, kind: { type: 'int', min: 1, max: 1_000_000 }, help: 'inputs per verified size (default 100; graph models: input sets per size, default 2)' },
    shape: {
      flag: `${prefix}shape`, placeholder: 'SHAPE', kind: { type: 'shapes' }, repeatable: true,
      help: "a size to verify on, one shape per input, batch first: 1x48x80x3 (',' between the inputs' shapes); repeatable. Default: the model's own sizes, unknown dims on two sizes (spatial 64 and 48×80, others 1 and 2)",
    },
    range: { flag: `${prefix}range`, placeholder: 'LO,HI', kind: { type: 'range' }, help: `value range of the inputs (default: what the model's contract says its image input is fed, --input-range then --mean/--std; else 0,1); data images are scaled to it (a value starting with '-' takes '=': --${prefix}range=-1,1)` },
    atol: { flag: 'atol', placeholder: 'X', kind: { type: 'number', min: 0, max: 1e6 }, help: 'absolute tolerance (default 1e-4 × max(1, |LO|, |HI|): float32 rounding grows with the values, 0-255 inputs give a few 1e-4 where 0-1 give 1e-6; graph models 1e-4)' },
    rtol: { flag: 'rtol', placeholder: 'X', kind: { type: 'number', min: 0, max: 1e6 }, help: 'relative tolerance (default 1e-4)' },
  } as const satisfies OptionTable;
}

type VerificationValues = OptionValues<ReturnType<typeof verificationOptions<''>>>;

export function verificationRequest(values: VerificationValues): VerificationRequest {
  return { dataDir: values.data, count: values.count, shapes: values.shape, range: values.range, atol: values.atol, rtol: values.rtol };
}

/** Refuses the options (flag → value) only a tfjs layers model's export or verification takes. */
export function refuseForGraphModels(given: Record<string, unknown>): void {
  const flags = Object.entries(given).filter(([, value]) => value !== undefined).map(([flag]) => `--${flag}`);
  if (flags.length > 0) {
    throw new UsageError(`${flags.join(', ')} ${flags.length === 1 ? 'applies' : 'apply'} to tfjs layers models; a graph model is verified on seeded inputs of the sizes its inputs allow`);
  }
}
