// The explicit table of TF op handlers: op name → handler. A reachable op missing here stops the export
// with every such op of the model listed (UnsupportedOpsError); docs/OPS.md is generated from this table.
// One file per op family.
import type { OpHandler } from '../context.ts';
import { Elu, LeakyRelu, LogSoftmax, Prelu, Relu, Relu6, Selu, Sigmoid, Softmax, Softplus, Tanh } from './activation.ts';
import { Const, IdentityN, NoOp, passThrough, Placeholder } from './core.ts';
import { Conv2D, Conv2DBackpropInput, DepthwiseConv2dNative, FusedConv2D, FusedDepthwiseConv2dNative } from './convolution.ts';
import { Fill, OneHot, OnesLike, Range, ZerosLike } from './creation.ts';
import { NonMaxSuppressionV3, NonMaxSuppressionV4, NonMaxSuppressionV5 } from './detection.ts';
import {
  Abs, Acos, Acosh, Add, AddN, Asin, Asinh, Atan, Atanh, BiasAdd, Cast, Ceil, ClipByValue, Cos, Cosh, DivNoNan, Equal, Erf, Exp, Expm1,
  Floor, FloorDiv, FloorMod, Greater, GreaterEqual, IsFinite, IsInf, IsNan, Less, LessEqual, Log, Log1p, LogicalAnd, LogicalNot, LogicalOr,
  Maximum, Minimum, Mul, Neg, NotEqual, Pow, RealDiv, Reciprocal, Round, Rsqrt, Select, Sign, Sin, Sinh, Sqrt, Square, SquaredDifference,
  Sub, Tan,
} from './elementwise.ts';
import { Gather, GatherNd, GatherV2, ReverseV2, Slice, StridedSlice, TopKV2, Where } from './indexing.ts';
import { BroadcastTo, Concat, ConcatV2, Pack, Split, SplitV, Tile, Unpack } from './join.ts';
import { BatchMatMul, FusedMatMul, MatMul } from './matmul.ts';
import { FusedBatchNorm, LRN } from './normalization.ts';
import { AvgPool, MaxPool } from './pooling.ts';
import { All, Any, ArgMax, ArgMin, Cumsum, Max, Mean, Min, Prod, Sum } from './reduction.ts';
import { ResizeBilinear, ResizeNearestNeighbor } from './resize.ts';
import { ExpandDims, Rank, Reshape, Shape, ShapeN, Size, Squeeze, Transpose } from './shape.ts';
import { BatchToSpaceND, DepthToSpace, MirrorPad, Pad, PadV2, SpaceToBatchND } from './spatial.ts';

export const opHandlers: Readonly<Record<string, OpHandler>> = {
  // graph structure
  Const,
  Placeholder,
  Identity: passThrough,
  IdentityN,
  StopGradient: passThrough,
  Snapshot: passThrough,
  NoOp,
  // convolution
  Conv2D,
  _FusedConv2D: FusedConv2D,
  DepthwiseConv2dNative,
  DepthwiseConv2d: DepthwiseConv2dNative,
  FusedDepthwiseConv2dNative,
  Conv2DBackpropInput,
  // matrix products
  MatMul,
  _FusedMatMul: FusedMatMul,
  BatchMatMul,
  BatchMatMulV2: BatchMatMul,
  // pooling
  MaxPool,
  AvgPool,
  // elementwise arithmetic
  BiasAdd,
  Add,
  AddV2: Add,
  AddN,
  Sub,
  Mul,
  RealDiv,
  Div: RealDiv,
  DivNoNan,
  FloorDiv,
  FloorMod,
  Mod: FloorMod,
  Maximum,
  Minimum,
  SquaredDifference,
  Pow,
  ClipByValue,
  // elementwise math
  Sqrt,
  Rsqrt,
  Exp,
  Log,
  Square,
  Neg,
  Abs,
  Reciprocal,
  Floor,
  Ceil,
  Round,
  Sign,
  Sin,
  Cos,
  Tan,
  Asin,
  Acos,
  Atan,
  Sinh,
  Cosh,
  Asinh,
  Acosh,
  Atanh,
  Erf,
  Log1p,
  Expm1,
  IsNan,
  IsInf,
  IsFinite,
  Cast,
  // comparison and logic
  Equal,
  NotEqual,
  Greater,
  GreaterEqual,
  Less,
  LessEqual,
  LogicalAnd,
  LogicalOr,
  LogicalNot,
  Select,
  SelectV2: Select,
  // activations
  Relu,
  Relu6,
  Elu,
  Selu,
  LeakyRelu,
  Prelu,
  Sigmoid,
  Tanh,
  Softplus,
  Softmax,
  LogSoftmax,
  // normalization
  FusedBatchNorm,
  FusedBatchNormV2: FusedBatchNorm,
  FusedBatchNormV3: FusedBatchNorm,
  LRN,
  // reductions
  Mean,
  Sum,
  Max,
  Min,
  Prod,
  All,
  Any,
  ArgMax,
  ArgMin,
  Cumsum,
  // shapes
  Shape,
  ShapeN,
  Rank,
  Size,
  Reshape,
  Squeeze,
  ExpandDims,
  Transpose,
  // joining and splitting
  ConcatV2,
  Concat,
  Pack,
  Unpack,
  Split,
  SplitV,
  Tile,
  BroadcastTo,
  // creation
  Fill,
  ZerosLike,
  OnesLike,
  Range,
  OneHot,
  // indexing
  Slice,
  StridedSlice,
  GatherV2,
  Gather,
  GatherNd,
  ReverseV2,
  TopKV2,
  Where,
  // detection post-processing
  NonMaxSuppressionV2: NonMaxSuppressionV3,
  NonMaxSuppressionV3,
  NonMaxSuppressionV4,
  NonMaxSuppressionV5,
  // image resizing
  ResizeBilinear,
  ResizeNearestNeighbor,
  // padding and space/depth
  Pad,
  PadV2,
  MirrorPad,
  DepthToSpace,
  SpaceToBatchND,
  BatchToSpaceND,
};

export function supportedOps(): string[] {
  return Object.keys(opHandlers).sort();
}
