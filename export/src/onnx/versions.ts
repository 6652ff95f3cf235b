// Opsets the exporter writes, and the IR version each needs — from the official versioning table
// (onnx/docs/Versioning.md): the IR version that shipped with the ONNX release introducing that opset.

export const DEFAULT_OPSET = 17;
export const MIN_OPSET = 13;
export const MAX_OPSET = 21;

const IR_VERSION_BY_OPSET: Record<number, number> = {
  13: 7, // ONNX 1.8
  14: 7, // 1.9
  15: 8, // 1.10
  16: 8, // 1.11
  17: 8, // 1.12
  18: 8, // 1.13
  19: 9, // 1.14
  20: 9, // 1.15
  21: 10, // 1.16
};

export function irVersionForOpset(opset: number): number {
  const ir = IR_VERSION_BY_OPSET[opset];
  if (ir === undefined) throw new RangeError(`opset ${opset} is not supported: use ${MIN_OPSET}..${MAX_OPSET} (default ${DEFAULT_OPSET})`);
  return ir;
}
