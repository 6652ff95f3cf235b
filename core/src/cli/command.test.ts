import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dispatch, dispatcherCommand, usage, type Command, type Dispatcher } from './command.ts';
import { UsageError } from './options.ts';

/** Runs `fn` with console.log/error captured. */
async function captured(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (line: string) => out.push(line);
  console.error = (line: string) => err.push(line);
  try {
    return { code: await fn(), out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

const echo: Command = {
  help: 'Usage: tool echo [--fail|--bad]',
  async run(argv) {
    if (argv.includes('--bad')) throw new UsageError('--bad is not allowed');
    if (argv.includes('--fail')) throw new RangeError('it broke');
    console.log(argv.join(' '));
    return 0;
  },
};

const loads: string[] = [];
const tool: Dispatcher = {
  prefix: 'tool',
  placeholder: 'command',
  heading: 'Commands',
  table: {
    echo: { summary: 'print the arguments', load: async () => { loads.push('echo'); return echo; } },
    nested: {
      summary: 'a table of its own',
      load: async () => dispatcherCommand({ prefix: 'tool nested', placeholder: 'what', heading: 'Things', table: { echo: { summary: 'echo again', load: async () => echo } } }),
    },
  },
};

test('the usage lists each command with its summary, from the table alone (nothing is loaded)', () => {
  loads.length = 0;
  const text = usage(tool);
  assert.match(text, /^Usage: tool <command> \[options\]$/m);
  assert.match(text, /^ {2}echo {4}print the arguments$/m);
  assert.match(text, /^ {2}nested {2}a table of its own$/m);
  assert.deepEqual(loads, []);
});

test('dispatch: help, unknown names, usage errors (exit 2, with the help) and other errors (exit 1, one line)', async () => {
  assert.deepEqual(await captured(() => dispatch(tool, ['echo', 'a', 'b'])), { code: 0, out: 'a b', err: '' });
  assert.equal((await captured(() => dispatch(tool, []))).code, 2);
  assert.equal((await captured(() => dispatch(tool, ['--help']))).code, 0);
  const help = await captured(() => dispatch(tool, ['echo', '--help']));
  assert.deepEqual(help, { code: 0, out: echo.help, err: '' });
  const unknown = await captured(() => dispatch(tool, ['ehco']));
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /^tool: unknown command 'ehco'/);
  const bad = await captured(() => dispatch(tool, ['echo', '--bad']));
  assert.equal(bad.code, 2);
  assert.match(bad.err, /^tool echo: --bad is not allowed\n\nUsage: tool echo/);
  const failed = await captured(() => dispatch(tool, ['echo', '--fail']));
  assert.deepEqual(failed, { code: 1, out: '', err: 'tool echo: RangeError: it broke' });
  assert.equal((await captured(() => dispatch(tool, ['toString']))).code, 2, 'inherited object keys are not commands');
});

test('a nested table is dispatched by the same code, with its own prefix and help', async () => {
  assert.deepEqual(await captured(() => dispatch(tool, ['nested', 'echo', 'x'])), { code: 0, out: 'x', err: '' });
  const listing = await captured(() => dispatch(tool, ['nested', '--help']));
  assert.equal(listing.code, 0);
  assert.match(listing.out, /^Usage: tool nested <what> \[options\]/);
  const unknown = await captured(() => dispatch(tool, ['nested', 'nope']));
  assert.match(unknown.err, /^tool nested: unknown command 'nope'/);
});
