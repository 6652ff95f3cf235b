// What every export asks for, whichever front end compiles the model: the source, where the ONNX file goes
// and the declared contract. Each front end's request adds its own verification and options.
import type { ContractHints } from '@onnx-edge/export';

export interface ExportTarget {
  /** model.json or its folder (for a layers model also a training run folder, with tfjs/model.json). */
  source: string;
  /** The ONNX file to write; parity.json goes beside it when verified. Nothing is written without it. */
  output?: string;
  opset?: number;
  inputLayout?: 'nchw' | 'nhwc';
  /**
   * What the caller declares about the model's contract (labels, input range, channels, dataset…); the rest
   * comes from the model itself.
   */
  contract?: ContractHints;
  /** A file of class names (a JSON array or one per line); a layers run's default is its labels.json. */
  labelsFile?: string;
}
