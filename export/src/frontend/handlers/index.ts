// The explicit table of layer handlers: tfjs className → handler. A class missing here is an
// UnsupportedLayerError naming the layer and listing these keys. One file per tfjs-layers source file
// (src/layers/<family>.ts, kebab-cased), grouped below in the same order; activations.ts holds the
// activation functions that Activation and the layers with a fused `activation` share.
import type { LayerHandler } from '../context.ts';
import { ELU, LeakyReLU, PReLU, ReLU, Softmax, ThresholdedReLU } from './advanced-activations.ts';
import { Conv1D, Conv2D, Conv2DTranspose, Cropping2D, SeparableConv2D, UpSampling2D } from './convolutional.ts';
import { DepthwiseConv2D } from './convolutional-depthwise.ts';
import { Activation, Dense, Dropout, Flatten, InputLayer, Permute, RepeatVector, Reshape, SpatialDropout1D } from './core.ts';
import { Embedding } from './embeddings.ts';
import { Add, Average, Concatenate, Maximum, Minimum, Multiply } from './merge.ts';
import { AlphaDropout, GaussianDropout, GaussianNoise } from './noise.ts';
import { BatchNormalization, LayerNormalization } from './normalization.ts';
import { ZeroPadding2D } from './padding.ts';
import { AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D } from './pooling.ts';
import { Rescaling } from './preprocessing.ts';
import { recurrentLayer } from './recurrent.ts';
import { Bidirectional, TimeDistributed } from './wrappers.ts';

export const layerHandlers: Readonly<Record<string, LayerHandler>> = {
  // advanced-activations
  ReLU,
  LeakyReLU,
  PReLU,
  ELU,
  ThresholdedReLU,
  Softmax,
  // convolutional
  Conv1D,
  Conv2D,
  Conv2DTranspose,
  SeparableConv2D,
  Cropping2D,
  UpSampling2D,
  // convolutional-depthwise
  DepthwiseConv2D,
  // core (and the model's inputs)
  InputLayer,
  Dropout,
  SpatialDropout1D,
  Dense,
  Flatten,
  Activation,
  RepeatVector,
  Reshape,
  Permute,
  // embeddings
  Embedding,
  // merge
  Add,
  Multiply,
  Average,
  Maximum,
  Minimum,
  Concatenate,
  // normalization
  BatchNormalization,
  LayerNormalization,
  // padding
  ZeroPadding2D,
  // pooling
  MaxPooling1D,
  MaxPooling2D,
  AveragePooling1D,
  AveragePooling2D,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  // noise
  GaussianNoise,
  GaussianDropout,
  AlphaDropout,
  // recurrent
  SimpleRNN: recurrentLayer,
  GRU: recurrentLayer,
  LSTM: recurrentLayer,
  // wrappers
  TimeDistributed,
  Bidirectional,
  // preprocessing
  Rescaling,
};

export function supportedClasses(): string[] {
  return Object.keys(layerHandlers).sort();
}
