// `onnx-edge summary`: prints the Keras-like summary of a seed network (built with fresh weights).
import { formatOptions, parseOptions, type Command } from '@onnx-edge/core/cli';
import { TRAINING_OPTIONS } from '../options/training.ts';

const OPTIONS = {
  model: { ...TRAINING_OPTIONS.model, required: true, help: '{range} (required)' },
  variant: {
    ...TRAINING_OPTIONS.variant,
    help: 'seed (default): as the tutorial behaves — every ResNet stage, the first included, is strided with a projection shortcut; standard: the usual CIFAR ResNet (first stage stride 1, identity shortcut, the final 4×4 map averaged). Inception10 is the same in both variants.',
  },
} as const;

const help = `Usage: onnx-edge summary --model <${TRAINING_OPTIONS.model.kind.choices.join('|')}> [--variant seed|standard]

Prints a Keras-like table of the network (layer, output shape, parameters, inputs), ending with
Total / Trainable / Non-trainable params as Keras counts them.

Options:
${formatOptions(OPTIONS)}`;

async function run(argv: string[]): Promise<number> {
  const { values } = parseOptions(OPTIONS, argv);
  const { buildNetwork, formatModelSummary } = await import('@onnx-edge/train');
  const tf = await import('@tensorflow/tfjs');
  // Building the layers initialises tfjs' cpu backend, whose banner recommending tfjs-node is noise here.
  tf.env().set('PROD', true);
  const network = buildNetwork(values.model!, { variant: values.variant ?? 'seed', seed: 0 });
  console.log(formatModelSummary(network));
  network.dispose();
  return 0;
}

export const summaryCommand: Command = { help, options: OPTIONS, run };
