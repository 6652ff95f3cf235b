// Every layers model of the corpus, as shipped: exported (with the plugin its custom classes need), passed
// by the official checker, and verified against tfjs on inputs in 0–255 on two input sizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { corpusModels } from '@onnx-edge/bench/real-models';
import { checkParity, exportModel, loadLayersModelFromFile, loadPlugins, useVerificationBackend, verifyParity } from '@onnx-edge/export';
import { checkModel } from '@onnx-edge/export/testing';

for (const model of corpusModels()) {
  test(`${model.name} exports, passes the checker and verifies on two sizes`, async () => {
    await useVerificationBackend();
    const plugins = await loadPlugins(model.plugins);
    const tfModel = await loadLayersModelFromFile(model.modelJson);
    try {
      const { bytes, report } = exportModel(tfModel, { plugins });
      assert.deepEqual(report.unshapedValues, []);
      checkModel(bytes);
      const parity = await verifyParity(tfModel, bytes, { count: 2, range: [0, 255] });
      assert.equal(parity.sizes!.length, model.unknownDims ? 2 : 1);
      checkParity(parity);
    } finally {
      tfModel.dispose();
    }
  });
}
