// Command-line options and settings described once: a table entry gives an option's flag, environment
// variable, value kind and range, default and help line, and flag parsing, environment parsing and the help
// text are all derived from it, so the three cannot disagree.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in how a command was called: printed with the command's help, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A bad environment variable; the message names it. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type OptionKind =
  /** An integer in range, or one of `words` taken as it is ('all'). */
  | { readonly type: 'int'; readonly min: number; readonly max: number; readonly words?: readonly string[] }
  | { readonly type: 'number'; readonly min: number; readonly max: number }
  | { readonly type: 'choice'; readonly choices: readonly string[] }
  | { readonly type: 'string' }
  /** Comma-separated; with `choices`, every item must be one of them. */
  | { readonly type: 'list'; readonly choices?: readonly string[] }
  | { readonly type: 'int-list'; readonly min: number; readonly max: number }
  /** Tensor shapes: dims joined by 'x', shapes by ',' ('1x48x80x3,1x10'). */
  | { readonly type: 'shapes' }
  /** 'LO,HI' with LO < HI. */
  | { readonly type: 'range' }
  | { readonly type: 'boolean' };

export interface OptionSpec {
  readonly flag: string;
  readonly short?: string;
  /** Environment variable that sets it too (flags win). */
  readonly env?: string;
  /** What the value is called in the help ('N', 'DIR'); default from the kind. */
  readonly placeholder?: string;
  readonly kind: OptionKind;
  readonly required?: boolean;
  /** May be given several times; the value is the list of what each gave. */
  readonly repeatable?: boolean;
  /** The value when neither flag nor variable gives one; shown in the help where it says {default}. */
  readonly default?: unknown;
  /** One description; '{default}' and '{range}' are filled in from the entry. Wrapped to the help's width. */
  readonly help: string;
}

export type OptionTable = Readonly<Record<string, OptionSpec>>;

type ValueOf<K extends OptionKind> =
  K extends { type: 'int'; words: readonly (infer W)[] } ? number | W
  : K extends { type: 'int' | 'number' } ? number
    : K extends { type: 'boolean' } ? boolean
      : K extends { type: 'int-list' } ? number[]
        : K extends { type: 'shapes' } ? number[][]
          : K extends { type: 'range' } ? [number, number]
        : K extends { type: 'list'; choices: readonly (infer C)[] } ? C[]
          : K extends { type: 'list' } ? string[]
            : K extends { type: 'choice'; choices: readonly (infer C)[] } ? C
              : string;

/** Parsed values by table key; an option given neither by flag nor by variable is absent. */
export type OptionValues<T extends OptionTable> = {
  -readonly [K in keyof T]?: T[K] extends { repeatable: true } ? ValueOf<T[K]['kind']>[] : ValueOf<T[K]['kind']>;
};

/** The table's defaults by key, typed like the values. */
export type OptionDefaults<T extends OptionTable> = {
  -readonly [K in keyof T as T[K] extends { default: unknown } ? K : never]: ValueOf<T[K]['kind']>;
};

function rangeText(kind: OptionKind): string {
  if (kind.type === 'int' && kind.words) return `${kind.min}-${kind.max}|${kind.words.join('|')}`;
  if (kind.type === 'int' || kind.type === 'number' || kind.type === 'int-list') return `${kind.min}-${kind.max}`;
  if (kind.type === 'choice' || (kind.type === 'list' && kind.choices)) return kind.choices!.join('|');
  return '';
}

/** Converts one raw string; `where` names the flag or variable in the error. */
function convert(spec: OptionSpec, raw: string, where: string, fail: (message: string) => Error): unknown {
  const { kind } = spec;
  const int = (text: string, min: number, max: number) => {
    const n = Number(text);
    if (text.trim() === '' || !Number.isInteger(n) || n < min || n > max) throw fail(`${where} must be an integer from ${min} to ${max}, got '${text}'`);
    return n;
  };
  switch (kind.type) {
    case 'int':
      return kind.words?.includes(raw) ? raw : int(raw, kind.min, kind.max);
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n) || n < kind.min || n > kind.max) throw fail(`${where} must be a number from ${kind.min} to ${kind.max}, got '${raw}'`);
      return n;
    }
    case 'choice':
      if (!kind.choices.includes(raw)) throw fail(`${where} must be one of ${kind.choices.join('|')}, got '${raw}'`);
      return raw;
    case 'list':
    case 'int-list': {
      const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
      if (items.length === 0) throw fail(`${where} is empty`);
      if (kind.type === 'int-list') return items.map((item) => int(item, kind.min, kind.max));
      const unknown = kind.choices && items.find((item) => !kind.choices!.includes(item));
      if (unknown) throw fail(`${where}: '${unknown}' is not one of ${kind.choices!.join(', ')}`);
      return items;
    }
    case 'shapes':
      return raw.split(',').map((shape) => {
        const dims = shape.trim().split('x').map(Number);
        if (shape.trim() === '' || !dims.every((d) => Number.isInteger(d) && d >= 1 && d <= 1_000_000)) {
          throw fail(`${where} takes shapes like 1x48x80x3 (positive integers joined by 'x', shapes by ','), got '${raw}'`);
        }
        return dims;
      });
    case 'range': {
      const ends = raw.split(',').map((s) => (s.trim() === '' ? Number.NaN : Number(s)));
      if (ends.length !== 2 || !ends.every(Number.isFinite) || !(ends[0]! < ends[1]!)) throw fail(`${where} takes LO,HI with LO < HI (e.g. 0,255), got '${raw}'`);
      return ends;
    }
    case 'string':
      if (raw === '') throw fail(`${where} must not be empty`);
      return raw;
    case 'boolean':
      return raw === '1' || raw === 'true';
  }
}

/** Parses `argv` against the table: unknown flags, bad values and missing required options are UsageErrors. */
export function parseOptions<T extends OptionTable>(table: T, argv: string[], options: { positionals?: boolean } = {}): { values: OptionValues<T>; positionals: string[] } {
  const config: NonNullable<ParseArgsConfig['options']> = {};
  for (const spec of Object.values(table)) {
    config[spec.flag] = { type: spec.kind.type === 'boolean' ? 'boolean' : 'string', ...(spec.short ? { short: spec.short } : {}), ...(spec.repeatable ? { multiple: true } : {}) };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: config, allowPositionals: options.positionals ?? false, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const values: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(table)) {
    const raw = parsed.values[spec.flag];
    if (raw === undefined) {
      if (spec.required) throw new UsageError(`--${spec.flag} is required`);
      continue;
    }
    const one = (text: string | boolean) => (typeof text === 'boolean' ? text : convert(spec, text, `--${spec.flag}`, (m) => new UsageError(m)));
    values[key] = Array.isArray(raw) ? raw.map(one) : one(raw as string | boolean);
  }
  return { values: values as OptionValues<T>, positionals: parsed.positionals };
}

/** The values the table's environment variables give; an empty variable counts as absent. */
export function optionsFromEnv<T extends OptionTable>(table: T, env: NodeJS.ProcessEnv): OptionValues<T> {
  const values: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(table)) {
    const raw = spec.env === undefined ? undefined : env[spec.env];
    if (raw === undefined || raw === '') continue;
    values[key] = convert(spec, raw, spec.env!, (m) => new ConfigError(m));
  }
  return values as OptionValues<T>;
}

export function optionDefaults<T extends OptionTable>(table: T): OptionDefaults<T> {
  return Object.fromEntries(Object.entries(table).filter(([, s]) => 'default' in s).map(([k, s]) => [k, s.default])) as OptionDefaults<T>;
}

const HELP_WIDTH = 110;
const FLAG_COLUMN = 28;

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** One help line (or a few, wrapped) per option, in table order, then -h/--help. */
export function formatOptions(table: OptionTable): string {
  const out: string[] = [];
  const entry = (left: string, text: string) => {
    const lines = wrap(text, HELP_WIDTH - FLAG_COLUMN);
    const pad = ' '.repeat(FLAG_COLUMN);
    out.push(left.length + 1 < FLAG_COLUMN ? `${left.padEnd(FLAG_COLUMN)}${lines[0] ?? ''}` : `${left}\n${pad}${lines[0] ?? ''}`);
    for (const line of lines.slice(1)) out.push(`${pad}${line}`);
  };
  for (const spec of Object.values(table)) {
    const placeholder = spec.kind.type === 'boolean' ? '' : ` ${spec.placeholder ?? (spec.kind.type === 'choice' ? spec.kind.choices.join('|') : spec.kind.type === 'int' || spec.kind.type === 'number' ? 'N' : 'VALUE')}`;
    const flags = `  ${spec.short ? `-${spec.short}, ` : ''}--${spec.flag}${placeholder}`;
    const text = spec.help
      .replaceAll('{default}', Array.isArray(spec.default) ? spec.default.join(',') : String(spec.default))
      .replaceAll('{range}', rangeText(spec.kind));
    entry(flags, spec.env ? `${text} [${spec.env}]` : text);
  }
  entry('  -h, --help', 'show this help');
  return out.join('\n');
}
