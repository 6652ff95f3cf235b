// Every command's help lists every option its table parses (flag, and the environment variable where it has
// one), walking the command tables the same way the dispatcher does, nested tables (bench, data) included.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Command, CommandTable } from '@onnx-edge/core/cli';
import { SERVER_OPTIONS } from '@onnx-edge/serve/options';
import { COMMANDS } from './main.ts';

async function* allCommands(table: CommandTable, prefix: string): AsyncGenerator<[string, Command]> {
  for (const [name, entry] of Object.entries(table)) {
    const command = await entry.load();
    yield [`${prefix} ${name}`, command];
    if (command.subcommands) yield* allCommands(command.subcommands, `${prefix} ${name}`);
  }
}

test('the help of every command lists every option of its table, and every option has a help line', async () => {
  let checked = 0;
  for await (const [name, command] of allCommands(COMMANDS, 'onnx-edge')) {
    if (command.subcommands) {
      for (const sub of Object.keys(command.subcommands)) assert.match(command.help, new RegExp(`^ {2}${sub} `, 'm'), `${name} lists ${sub}`);
      continue;
    }
    assert.match(command.help, /^ {2}-h, --help +show this help$/m, `${name} documents --help`);
    for (const spec of Object.values(command.options ?? {})) {
      assert.match(command.help, new RegExp(`^ {2}(-${spec.short}, )?--${spec.flag}\\b`, 'm'), `${name} --help lists --${spec.flag}`);
      if (spec.env) assert.ok(command.help.includes(`[${spec.env}]`), `${name} --help names ${spec.env}`);
      assert.ok(spec.help.trim().length > 0, `${name} --${spec.flag} has a description`);
      checked++;
    }
  }
  assert.ok(checked > 80, `checked ${checked} options`);
});

test('onnx-edge serve parses exactly the server settings table', async () => {
  const serve = await COMMANDS.serve!.load();
  assert.equal(serve.options, SERVER_OPTIONS);
});
