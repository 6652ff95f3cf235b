// What the end-to-end serving tests share: `onnx-edge export` run as a user runs it, synthetic photos, the
// tfjs graph models of the corpus as references, and a raw HTTP exchange that keeps a binary answer's bytes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '@onnx-edge/core';
import { graphModelIOHandler, loadGraphModelSource } from '@onnx-edge/export';
import { graphCorpusPath } from '@onnx-edge/export/testing';

const BIN = fileURLToPath(new URL('../../bin/onnx-edge.js', import.meta.url));
export const ESRGAN_X2 = fileURLToPath(new URL('../../node_modules/@upscalerjs/esrgan-slim/models/x2/model.json', import.meta.url));

/** `onnx-edge export …` in a child process; its stderr when it succeeds, a failed assertion otherwise. */
export function cliExport(args: string[]): string {
  const run = spawnSync(process.execPath, [BIN, 'export', ...args], { encoding: 'utf8' });
  assert.equal(run.status, 0, `onnx-edge export ${args.join(' ')}:\n${run.stderr}`);
  return run.stderr;
}

/**
 * A width×height RGB photo stand-in as PNG: smooth colour fields that differ per seed, with noise, so that a
 * real model gives a different answer for each and every class gets some probability.
 */
export async function syntheticPng(width: number, height: number, seed: number): Promise<Buffer> {
  const random = seededRandom(seed);
  const [a, b, c] = [random() * 6, random() * 6, random() * 6];
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = x / width;
      const v = y / height;
      const noise = () => (random() - 0.5) * 40;
      const p = (y * width + x) * 3;
      raw[p] = Math.max(0, Math.min(255, 128 + 100 * Math.sin(a * u + b * v) + noise()));
      raw[p + 1] = Math.max(0, Math.min(255, 128 + 100 * Math.cos(b * u - c * v) + noise()));
      raw[p + 2] = Math.max(0, Math.min(255, 128 + 100 * Math.sin(c * u * v + a) + noise()));
    }
  }
  return sharp(raw, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

/** A corpus graph model as tfjs runs it (tf.loadGraphModel), the reference the export is checked against. */
export async function tfjsGraphModel(name: string): Promise<tf.GraphModel> {
  return tf.loadGraphModel(graphModelIOHandler(await loadGraphModelSource(graphCorpusPath(name))));
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Sends `request` (bytes as they go on the wire) on a fresh connection and reads the one answer, bytes kept. */
export function exchange(url: string, request: Uint8Array): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.write(request));
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [statusLine, ...lines] = received.subarray(0, end).toString('latin1').split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      const length = Number(headers['content-length']);
      if (received.length < end + 4 + length) return;
      socket.destroy();
      resolve({ status: Number(statusLine!.split(' ')[1]), headers, body: received.subarray(end + 4, end + 4 + length) });
    });
    socket.on('error', reject);
  });
}
