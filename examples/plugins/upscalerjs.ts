// The custom layers of the UpscalerJS models (the idealo GAN in @upscalerjs/models, and models built the
// same way), as an onnx-edge plugin:
//   onnx-edge export node_modules/@upscalerjs/models/models/idealo/gans -o gans.onnx \
//     --plugin examples/plugins/upscalerjs.ts --verify --verify-range 0,255
// MultiplyBeta scales its input by beta (the residual scaling of ESRGAN's dense blocks, 0.2); PixelShuffle
// rearranges depth into space like tf.depthToSpace on NHWC data, with the scale from its config, and
// PixelShuffle2x/3x/4x/8x with a fixed scale. Each class is registered twice over: its tfjs layer class, so
// tfjs can load and run the model for verification, and its lowering to ONNX. See docs/PLUGINS.md.
import type * as tfjs from '@tensorflow/tfjs';
import type { OnnxEdgePlugin } from '@onnx-edge/export';

type LayerArgs = ConstructorParameters<typeof tfjs.layers.Layer>[0];
type Inputs = tfjs.Tensor | tfjs.Tensor[];

const plugin: OnnxEdgePlugin = ({ tf, registerLayer }) => {
  const single = (inputs: Inputs) => (Array.isArray(inputs) ? inputs[0]! : inputs);

  class MultiplyBeta extends tf.layers.Layer {
    static className = 'MultiplyBeta';
    readonly beta: number;

    constructor(config: LayerArgs & { beta?: number }) {
      super(config);
      this.beta = config.beta ?? 0.2;
    }

    override call(inputs: Inputs): tfjs.Tensor {
      return tf.mul(single(inputs), this.beta);
    }

    override getConfig() {
      return { ...super.getConfig(), beta: this.beta };
    }
  }

  registerLayer('MultiplyBeta', {
    layerClass: MultiplyBeta,
    // Every element alike: Mul works in whatever layout its input has, so no Transpose appears.
    lower: (b) => b.op('Mul', [b.inputs[0]!, b.constant([b.config<number>('beta', 0.2)])], {}, { layout: 'elementwise' }),
  });

  /** A PixelShuffle class: `fixedScale` for the PixelShuffle<n>x names, else the config's `scale`. */
  function pixelShuffle(className: string, fixedScale?: number) {
    class PixelShuffle extends tf.layers.Layer {
      static className = className;
      readonly scale: number;

      constructor(config: LayerArgs & { scale?: number }) {
        super(config);
        this.scale = fixedScale ?? config.scale ?? 2;
      }

      override computeOutputShape(shape: tfjs.Shape | tfjs.Shape[]): tfjs.Shape {
        const [n, h, w, c] = (Array.isArray(shape[0]) ? shape[0] : shape) as tfjs.Shape;
        const times = (d: number | null | undefined) => (typeof d === 'number' ? d * this.scale : null);
        return [n ?? null, times(h), times(w), typeof c === 'number' ? c / (this.scale * this.scale) : null];
      }

      override call(inputs: Inputs): tfjs.Tensor {
        return tf.depthToSpace(single(inputs) as tfjs.Tensor4D, this.scale, 'NHWC');
      }

      override getConfig() {
        return { ...super.getConfig(), scale: this.scale };
      }
    }
    registerLayer(className, {
      layerClass: PixelShuffle,
      // tf.depthToSpace on NHWC is ONNX DepthToSpace in DCR mode on NCHW: the op asks for channels-first.
      lower: (b) => b.op('DepthToSpace', [b.inputs[0]!], { blocksize: fixedScale ?? b.config<number>('scale', 2), mode: 'DCR' }, { layout: 'channelsFirst' }),
    });
  }

  pixelShuffle('PixelShuffle');
  for (const scale of [2, 3, 4, 8]) pixelShuffle(`PixelShuffle${scale}x`, scale);
};

export default plugin;
