// Small shared kit for the `onnx-edge` subcommands: flag parsing with --help, and one error type for
// bad usage so every command reports mistakes the same way (message + exit code 2).
import { parseArgs, type ParseArgsConfig } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface Command {
  name: string;
  summary: string;
  /** Full help text, printed by `onnx-edge <name> --help`. */
  help: string;
  /** Commands with subcommands (`data check`, `bench train`) print their own per-subcommand help. */
  hasSubcommands?: boolean;
  run(argv: string[]): Promise<number>;
}

/** A mistake in how the command was called: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseFlags<O extends OptionSpec>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function intFlag(name: string, raw: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be an integer between ${min} and ${max}, got '${raw}'`);
  }
  return value;
}

export function numberFlag(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a number between ${min} and ${max}, got '${raw}'`);
  }
  return value;
}

export function choiceFlag<T extends string>(name: string, raw: string | undefined, choices: readonly T[]): T | undefined {
  if (raw === undefined) return undefined;
  if (!(choices as readonly string[]).includes(raw)) {
    throw new UsageError(`--${name} must be one of ${choices.join('|')}, got '${raw}'`);
  }
  return raw as T;
}

/**
 * A comma-separated list flag (`--networks inception10,resnet18`): undefined when absent; with `choices`,
 * every item must be one of them. An empty list is a usage error.
 */
export function listFlag<T extends string>(name: string, raw: string | undefined, choices?: readonly T[]): T[] | undefined {
  if (raw === undefined) return undefined;
  const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new UsageError(`--${name} is empty`);
  const unknown = choices && items.find((item) => !(choices as readonly string[]).includes(item));
  if (unknown) throw new UsageError(`--${name}: '${unknown}' is not one of ${choices.join(', ')}`);
  return items as T[];
}

/** A comma-separated list of integers, each between min and max (`--batches 1,32,128`). */
export function intListFlag(name: string, raw: string | undefined, min: number, max: number): number[] | undefined {
  return listFlag(name, raw)?.map((item) => intFlag(name, item, min, max)!);
}

export function wantsHelp(argv: string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/** A list of tensor shapes, dims joined by 'x' and shapes by ',' (`--verify-shape 1x48x80x3,1x10`). */
export function shapesFlag(name: string, raw: string): number[][] {
  const shapes = raw.split(',').map((s) => s.trim());
  return shapes.map((shape) => {
    const dims = shape.split('x').map(Number);
    if (shape === '' || !dims.every((d) => Number.isInteger(d) && d >= 1 && d <= 1_000_000)) {
      throw new UsageError(`--${name} takes shapes like 1x48x80x3 (positive integers joined by 'x', shapes by ','), got '${raw}'`);
    }
    return dims;
  });
}

/** `LO,HI` with LO < HI, both finite (`--verify-range 0,255`). */
export function rangeFlag(name: string, raw: string | undefined): [number, number] | undefined {
  if (raw === undefined) return undefined;
  const parts = raw.split(',').map((s) => Number(s.trim()));
  if (parts.length !== 2 || !parts.every(Number.isFinite) || !(parts[0]! < parts[1]!)) {
    throw new UsageError(`--${name} takes LO,HI with LO < HI (e.g. 0,255), got '${raw}'`);
  }
  return parts as [number, number];
}
