// Unknown dimensions, right: every model of the corpus with unknown input dims is exported, every value's
// declared shape (inputs, value_info, outputs) is made a graph output, and onnxruntime runs it on two
// input sizes. A declared number must be the size onnxruntime gives, a declared name must evaluate to it
// (evaluateDim with the input sizes bound to the input's symbols), and the outputs must be fully named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { onnx } from '@onnx-edge/proto';
import { corpusModels } from '@onnx-edge/bench/real-models';
import { evaluateDim, exportModel, loadLayersModelFromFile, loadPlugins, useVerificationBackend } from '@onnx-edge/export';

/** NCHW input sizes: batch, channels, height, width (odd and even, wide and tall). */
const SIZES = [[1, 3, 24, 40], [2, 3, 37, 19]];

type Dim = onnx.TensorShapeProto.IDimension;
const dimsOf = (info: onnx.IValueInfoProto): Dim[] => info.type?.tensorType?.shape?.dim ?? [];

/** The model with every value it declares a shape for listed as an output too. */
function everyValueAnOutput(bytes: Uint8Array): { bytes: Uint8Array; declared: onnx.IValueInfoProto[] } {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph!;
  const declared = [...graph.output!, ...graph.valueInfo!];
  graph.output = declared;
  return { bytes: onnx.ModelProto.encode(model).finish(), declared };
}

for (const model of corpusModels().filter((m) => m.unknownDims)) {
  test(`${model.name}: declared shapes match what onnxruntime computes on two input sizes`, async () => {
    await useVerificationBackend();
    const plugins = await loadPlugins(model.plugins);
    const tfModel = await loadLayersModelFromFile(model.modelJson);
    const { bytes } = exportModel(tfModel, { plugins });
    tfModel.dispose();
    const input = onnx.ModelProto.decode(bytes).graph!.input![0]!;
    for (const output of onnx.ModelProto.decode(bytes).graph!.output!) {
      assert.ok(dimsOf(output).every((d) => d.dimParam || Number(d.dimValue ?? 0) > 0), `output '${output.name}' is fully named: ${JSON.stringify(dimsOf(output))}`);
    }
    const { bytes: probe, declared } = everyValueAnOutput(bytes);
    const session = await ort.InferenceSession.create(probe, { intraOpNumThreads: 2, executionProviders: ['cpu'] });
    try {
      for (const size of SIZES) {
        const symbols: Record<string, number> = {};
        dimsOf(input).forEach((d, i) => { if (d.dimParam) symbols[d.dimParam] = size[i]!; });
        const data = Float32Array.from({ length: size.reduce((a, b) => a * b, 1) }, (_, i) => (i * 37) % 255);
        const results = await session.run({ [input.name!]: new ort.Tensor('float32', data, size) });
        const opaque = new Map<string, number>();
        let named = 0;
        for (const info of declared) {
          const actual = results[info.name!]!.dims;
          const dims = dimsOf(info);
          assert.equal(dims.length, actual.length, `rank of '${info.name}'`);
          dims.forEach((d, i) => {
            const where = `'${info.name}' axis ${i} at input [${size}]`;
            if (d.dimValue !== undefined && d.dimValue !== null && Number(d.dimValue) > 0) assert.equal(actual[i], Number(d.dimValue), where);
            else if (d.dimParam) {
              named++;
              const value = evaluateDim(d.dimParam, symbols);
              if (value !== undefined) assert.equal(actual[i], value, `${where}: declared '${d.dimParam}'`);
              else {
                // A name outside the expression grammar must at least mean one size everywhere.
                assert.equal(opaque.get(d.dimParam) ?? actual[i], actual[i], `${where}: '${d.dimParam}' stands for two sizes`);
                opaque.set(d.dimParam, actual[i]!);
              }
            }
          });
        }
        assert.ok(named > 0, 'the graph names its unknown dims');
      }
    } finally {
      await session.release();
    }
  });
}
