// `onnx-edge summary`: prints the Keras-like summary of a seed network (built with fresh weights).
import { choiceFlag, parseFlags, UsageError, type Command } from '../kit.ts';
import { NETWORK_NAMES, VARIANTS } from '@onnx-edge/core';


const help = `Usage: onnx-edge summary --model <${NETWORK_NAMES.join('|')}> [--variant seed|standard]

Prints a Keras-like table of the network (layer, output shape, parameters, inputs), ending with
Total / Trainable / Non-trainable params as Keras counts them.

Options:
  --model <name>      ${NETWORK_NAMES.join(', ')} (required)
  --variant <v>       seed (default): as the tutorial behaves — every ResNet stage, the first included, is
                      strided with a projection shortcut; standard: the usual CIFAR ResNet (first stage
                      stride 1, identity shortcut, the final 4×4 map averaged). Inception10 is the
                      same in both variants.
  -h, --help          show this help`;

export const summaryCommand: Command = {
  name: 'summary',
  summary: 'print a Keras-like summary of a seed network',
  help,
  async run(argv) {
    const { values } = parseFlags(argv, { model: { type: 'string' }, variant: { type: 'string' } });
    const model = choiceFlag('model', values.model, NETWORK_NAMES);
    if (model === undefined) throw new UsageError('--model is required');
    const variant = choiceFlag('variant', values.variant, VARIANTS) ?? 'seed';
    const { buildNetwork, formatSummary } = await import('@onnx-edge/train');
    const tf = await import('@tensorflow/tfjs');
    // Building the layers initialises tfjs' cpu backend, whose banner recommending tfjs-node is noise here.
    tf.env().set('PROD', true);
    const network = buildNetwork(model, { variant, seed: 0 });
    console.log(formatSummary(network));
    network.dispose();
    return 0;
  },
};
