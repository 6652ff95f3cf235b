// The official ONNX checker (Debian's python3-onnx, run as /usr/bin/python3 because another python3 may
// come first on PATH), for tests. Missing checker: tests skip locally but fail in CI.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const PYTHON = '/usr/bin/python3';
const SCRIPT = 'import onnx,sys; onnx.checker.check_model(onnx.load_from_string(sys.stdin.buffer.read()), full_check=True)';
/** python3-onnx 1.12 knows opsets up to 17. */
export const CHECKER_MAX_OPSET = 17;

let availability: string | undefined | null = null;

/** Why the checker cannot run here, or undefined when it can. */
export function checkerUnavailable(): string | undefined {
  if (availability !== null) return availability;
  if (!existsSync(PYTHON)) availability = `${PYTHON} is missing (install python3-onnx: scripts/install-system-deps.sh)`;
  else {
    const probe = spawnSync(PYTHON, ['-c', 'import onnx'], { encoding: 'utf8' });
    availability = probe.status === 0 ? undefined : `python3-onnx is not installed for ${PYTHON} (scripts/install-system-deps.sh)`;
  }
  return availability;
}

/**
 * Runs onnx.checker.check_model(full_check=True) on the bytes. Throws with the checker's message when the
 * model is invalid, or when the checker is missing and CI=true. Returns false when it was skipped.
 */
export function checkModel(bytes: Uint8Array): boolean {
  const missing = checkerUnavailable();
  if (missing) {
    if (process.env.CI === 'true') throw new Error(`official ONNX checker unavailable in CI: ${missing}`);
    return false;
  }
  const result = spawnSync(PYTHON, ['-c', SCRIPT], { input: bytes, encoding: 'utf8', maxBuffer: 16 << 20 });
  if (result.status !== 0) throw new Error(`onnx.checker rejected the model: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return true;
}
