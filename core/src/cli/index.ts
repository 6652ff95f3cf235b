// @onnx-edge/core/cli (Node-only): option tables and the command dispatcher every command line of the project uses.
export {
  UsageError, ConfigError, parseOptions, optionsFromEnv, optionDefaults, formatOptions,
  type OptionKind, type OptionSpec, type OptionTable, type OptionValues, type OptionDefaults,
} from './options.ts';
export { dispatch, dispatcherCommand, usage, wantsHelp, type Command, type CommandEntry, type CommandTable, type Dispatcher } from './command.ts';
