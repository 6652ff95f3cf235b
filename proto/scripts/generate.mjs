#!/usr/bin/env node
// Regenerates proto/src/generated/onnx.{js,d.ts} from proto/schema/onnx.proto with protobufjs-cli:
// a static ES module (no runtime reflection, fast encode) and its TypeScript declarations.
// `npm run generate -w proto`
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(import.meta.url);
const cliDir = dirname(require.resolve('protobufjs-cli/package.json'));
const outDir = join(root, 'src/generated');
const js = join(outDir, 'onnx.js');
mkdirSync(outDir, { recursive: true });

execFileSync(process.execPath, [
  join(cliDir, 'bin/pbjs'), '-t', 'static-module', '-w', 'es6', '--no-verify', '--no-delimited', '--no-convert',
  '--force-number', '-o', js, join(root, 'schema/onnx.proto'),
], { stdio: 'inherit' });

// Node's ESM loader needs the file extension, and protobufjs is CommonJS: import its module object as the
// default export (its named exports are not statically detectable).
const source = readFileSync(js, 'utf8').replace(
  /import \* as \$protobuf from "protobufjs\/minimal";/,
  'import $protobuf from "protobufjs/minimal.js";',
);
writeFileSync(js, source);

execFileSync(process.execPath, [join(cliDir, 'bin/pbts'), '--no-comments', '-o', join(outDir, 'onnx.d.ts'), js], { stdio: 'inherit' });
console.log(`generated ${js} and onnx.d.ts`);
