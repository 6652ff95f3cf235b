import { buildNetwork, saveModelToDir } from '@onnx-edge/train';
const m = buildNetwork(process.argv[2] as 'inception10', { seed: 1 });
await saveModelToDir(m, process.argv[3]!);
