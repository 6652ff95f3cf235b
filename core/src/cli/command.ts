// Commands and the one dispatcher of every command table (`onnx-edge <command>`, `onnx-edge bench <what>`,
// `onnx-edge data <check|download>`): a table names each command with its one-line summary and loads its
// module only when called, so `--help` and light commands do not pay for tfjs or onnxruntime.
import { UsageError, type OptionTable } from './options.ts';

export interface Command {
  /** Full help text, printed by `<prefix> <name> --help` and after a usage error. */
  readonly help: string;
  /** The options it parses (its help is derived from them). */
  readonly options?: OptionTable;
  /** Set on a command whose first argument picks a command of another table (`bench train`). */
  readonly subcommands?: CommandTable;
  run(argv: string[]): Promise<number>;
}

export interface CommandEntry {
  /** The one line the table's usage lists. */
  readonly summary: string;
  load(): Promise<Command>;
}

export type CommandTable = Readonly<Record<string, CommandEntry>>;

export interface Dispatcher {
  /** What precedes the command name in messages: 'onnx-edge', 'onnx-edge bench'. */
  prefix: string;
  /** What the first argument is called in the usage line: 'command', 'what', 'subcommand'. */
  placeholder: string;
  /** The heading above the list of commands. */
  heading: string;
  table: CommandTable;
}

export function wantsHelp(argv: string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

export function usage({ prefix, placeholder, heading, table }: Dispatcher): string {
  const width = Math.max(...Object.keys(table).map((n) => n.length));
  const lines = Object.entries(table).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [`Usage: ${prefix} <${placeholder}> [options]`, '', `${heading}:`, ...lines, '', `Run '${prefix} <${placeholder}> --help' for its options.`].join('\n');
}

/**
 * Runs the command `argv[0]` names with the rest of argv. Exit codes: the command's own; 2 for a usage
 * mistake (printed with the command's help) or an unknown name; 1 for any other error, printed in one line
 * (`ONNX_EDGE_DEBUG=1` adds the stack).
 */
export async function dispatch(dispatcher: Dispatcher, argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage(dispatcher));
    return name === undefined ? 2 : 0;
  }
  const entry = Object.hasOwn(dispatcher.table, name) ? dispatcher.table[name] : undefined;
  if (!entry) {
    console.error(`${dispatcher.prefix}: unknown command '${name}'\n\n${usage(dispatcher)}`);
    return 2;
  }
  const command = await entry.load();
  if (wantsHelp(rest) && !command.subcommands) {
    console.log(command.help);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${dispatcher.prefix} ${name}: ${err.message}\n\n${command.help}`);
      return 2;
    }
    const e = err as Error;
    console.error(`${dispatcher.prefix} ${name}: ${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}`);
    if (process.env.ONNX_EDGE_DEBUG) console.error(e.stack);
    return 1;
  }
}

/** A command whose first argument picks a command of another table (`bench train`, `data check`). */
export function dispatcherCommand(dispatcher: Dispatcher): Command {
  return { help: usage(dispatcher), subcommands: dispatcher.table, run: (argv) => dispatch(dispatcher, argv) };
}
