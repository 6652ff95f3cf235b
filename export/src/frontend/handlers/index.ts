// The explicit table of layer handlers: tfjs className → handler. A class missing here is an
// UnsupportedLayerError naming the layer and listing these keys. One file per layer family.
import type { LayerHandler } from '../context.ts';
import { Activation, ReLU, Softmax } from './activation.ts';
import { ELU, LeakyReLU, PReLU, ThresholdedReLU } from './advanced-activations.ts';
import { Conv2D } from './conv.ts';
import { AveragePooling1D, Conv1D, GlobalAveragePooling1D, GlobalMaxPooling1D, MaxPooling1D } from './conv1d.ts';
import { Conv2DTranspose, DepthwiseConv2D, SeparableConv2D } from './convolutional.ts';
import { Dense, Flatten, InputLayer, inferenceIdentity } from './core.ts';
import { Add, Concatenate } from './merge.ts';
import { Average, Maximum, Minimum, Multiply } from './merge-elementwise.ts';
import { BatchNormalization } from './normalization.ts';
import { LayerNormalization } from './layer-norm.ts';
import { Embedding } from './embeddings.ts';
import { Cropping2D, Permute, RepeatVector, Reshape, UpSampling2D, ZeroPadding2D } from './reshaping.ts';
import { Rescaling } from './preprocessing.ts';
import { Bidirectional, recurrentLayer } from './recurrent.ts';
import { TimeDistributed } from './wrappers.ts';
import { AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D } from './pooling.ts';

export const layerHandlers: Readonly<Record<string, LayerHandler>> = {
  // core
  InputLayer,
  Dense,
  Flatten,
  Dropout: inferenceIdentity,
  // identities at inference: spatial dropout and the noise layers
  SpatialDropout1D: inferenceIdentity,
  GaussianNoise: inferenceIdentity,
  GaussianDropout: inferenceIdentity,
  AlphaDropout: inferenceIdentity,
  // convolution
  Conv2D,
  DepthwiseConv2D,
  SeparableConv2D,
  Conv2DTranspose,
  // 1-D convolution and pooling
  Conv1D,
  MaxPooling1D,
  AveragePooling1D,
  GlobalAveragePooling1D,
  GlobalMaxPooling1D,
  // pooling
  MaxPooling2D,
  AveragePooling2D,
  GlobalAveragePooling2D,
  GlobalMaxPooling2D,
  // normalization
  BatchNormalization,
  LayerNormalization,
  // embedding
  Embedding,
  // activations
  Activation,
  ReLU,
  Softmax,
  LeakyReLU,
  PReLU,
  ELU,
  ThresholdedReLU,
  // reshaping
  Reshape,
  Permute,
  RepeatVector,
  ZeroPadding2D,
  Cropping2D,
  UpSampling2D,
  // preprocessing
  Rescaling,
  // recurrent and wrappers
  SimpleRNN: recurrentLayer,
  LSTM: recurrentLayer,
  GRU: recurrentLayer,
  Bidirectional,
  TimeDistributed,
  // merge
  Add,
  Concatenate,
  Multiply,
  Average,
  Maximum,
  Minimum,
};

export function supportedClasses(): string[] {
  return Object.keys(layerHandlers).sort();
}
