import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, formatOptions, optionDefaults, optionsFromEnv, parseOptions, UsageError, type OptionTable } from './options.ts';

const TABLE = {
  port: { flag: 'port', env: 'X_PORT', kind: { type: 'int', min: 0, max: 65_535 }, default: 8080, help: 'TCP port, {range} (default {default})' },
  ratio: { flag: 'ratio', kind: { type: 'number', min: 0, max: 1 }, help: 'a share' },
  mode: { flag: 'mode', env: 'X_MODE', kind: { type: 'choice', choices: ['a', 'b'] }, help: '{range}' },
  names: { flag: 'names', kind: { type: 'list', choices: ['x', 'y'] }, help: 'some of {range}' },
  batches: { flag: 'batches', kind: { type: 'int-list', min: 1, max: 4096 }, default: [1, 32], help: 'sizes (default {default})' },
  limit: { flag: 'limit', kind: { type: 'int', min: 1, max: 100, words: ['all'] }, help: 'N or all' },
  out: { flag: 'out', short: 'o', placeholder: 'FILE', kind: { type: 'string' }, required: true, help: 'where' },
  quiet: { flag: 'quiet', kind: { type: 'boolean' }, help: 'say less' },
} as const satisfies OptionTable;

test('parseOptions converts every kind and keys the values by table entry', () => {
  const { values, positionals } = parseOptions(TABLE, ['--port', '0', '--ratio', '0.5', '--mode', 'b', '--names', ' x, y ,', '--batches', '1,128', '--limit', 'all', '-o', 'f.json', '--quiet', 'pos'], { positionals: true });
  assert.deepEqual(values, { port: 0, ratio: 0.5, mode: 'b', names: ['x', 'y'], batches: [1, 128], limit: 'all', out: 'f.json', quiet: true });
  assert.deepEqual(positionals, ['pos']);
  assert.equal(parseOptions(TABLE, ['--out', 'f', '--limit', '7']).values.limit, 7);
});

test('parseOptions names the flag, the range and the value it refuses', () => {
  const usage = (argv: string[], pattern: RegExp) => assert.throws(() => parseOptions(TABLE, ['--out', 'f', ...argv]), (e: unknown) => e instanceof UsageError && pattern.test(e.message));
  usage(['--port', '70000'], /^--port must be an integer from 0 to 65535, got '70000'$/);
  usage(['--port', '1.5'], /--port must be an integer/);
  usage(['--port', ''], /--port must be an integer/);
  usage(['--ratio', 'NaN'], /^--ratio must be a number from 0 to 1, got 'NaN'$/);
  usage(['--mode', 'c'], /^--mode must be one of a\|b, got 'c'$/);
  usage(['--names', 'x,z'], /^--names: 'z' is not one of x, y$/);
  usage(['--names', ' , '], /^--names is empty$/);
  usage(['--batches', '1,0'], /^--batches must be an integer from 1 to 4096, got '0'$/);
  usage(['--limit', 'most'], /^--limit must be an integer from 1 to 100, got 'most'$/);
  usage(['--bogus'], /Unknown option '--bogus'/);
  assert.throws(() => parseOptions(TABLE, []), /^UsageError: --out is required$|--out is required/);
  assert.throws(() => parseOptions(TABLE, ['--out', 'f', 'stray']), /Unexpected argument 'stray'/);
});

test('optionsFromEnv reads only the variables the table names, with the same checks, naming the variable', () => {
  assert.deepEqual(optionsFromEnv(TABLE, {}), {});
  assert.deepEqual(optionsFromEnv(TABLE, { X_PORT: '81', X_MODE: 'a', X_OTHER: '1', X_EMPTY: '' }), { port: 81, mode: 'a' });
  assert.deepEqual(optionsFromEnv(TABLE, { X_PORT: '' }), {});
  assert.throws(() => optionsFromEnv(TABLE, { X_PORT: '-1' }), (e: unknown) => e instanceof ConfigError && /^X_PORT must be an integer from 0 to 65535, got '-1'$/.test(e.message));
});

test('optionDefaults gives each default by key; formatOptions fills {default} and {range} and lists every flag', () => {
  assert.deepEqual(optionDefaults(TABLE), { port: 8080, batches: [1, 32] });
  const help = formatOptions(TABLE);
  assert.match(help, /^ {2}--port N +TCP port, 0-65535 \(default 8080\) \[X_PORT\]$/m);
  assert.match(help, /^ {2}--mode a\|b +a\|b \[X_MODE\]$/m);
  assert.match(help, /--batches VALUE +sizes \(default 1,32\)/);
  assert.match(help, /^ {2}-o, --out FILE +where$/m);
  assert.match(help, /^ {2}-h, --help +show this help$/m);
  for (const spec of Object.values(TABLE)) assert.match(help, new RegExp(`--${spec.flag}\\b`));
});

test('long help lines wrap under the description column', () => {
  const help = formatOptions({ long: { flag: 'long', kind: { type: 'boolean' }, help: 'word '.repeat(60) } });
  const lines = help.split('\n');
  assert.ok(lines.length > 3);
  assert.ok(lines.every((line) => line.length <= 110), 'no line wider than the help');
  assert.ok(lines.slice(1, -1).every((line) => line.startsWith(' '.repeat(28))));
});

test('shapes, ranges and repeatable options', () => {
  const table = {
    shape: { flag: 'shape', kind: { type: 'shapes' }, repeatable: true, help: 'shapes' },
    range: { flag: 'range', kind: { type: 'range' }, help: 'LO,HI' },
  } as const satisfies OptionTable;
  const { values } = parseOptions(table, ['--shape', '1x48x80x3', '--shape', '2x8x8x3, 2x10', '--range=-1, 255']);
  assert.deepEqual(values, { shape: [[[1, 48, 80, 3]], [[2, 8, 8, 3], [2, 10]]], range: [-1, 255] });
  for (const bad of ['', '1x0x3', '1x2.5', '1xx3', 'a']) {
    assert.throws(() => parseOptions(table, ['--shape', bad]), (e: unknown) => e instanceof UsageError && /^--shape takes shapes like 1x48x80x3/.test(e.message), bad);
  }
  for (const bad of ['1,0', '0', '0,1,2', 'a,b', '0,Infinity', ',1']) {
    assert.throws(() => parseOptions(table, ['--range', bad]), /--range takes LO,HI with LO < HI \(e\.g\. 0,255\)/, bad);
  }
});
