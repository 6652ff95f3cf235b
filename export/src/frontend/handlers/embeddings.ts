// Embedding: a Gather of the table's rows by index. tfjs casts its (usually float32) indices to int32 —
// truncating toward zero, as ONNX Cast to int64 does; int32 indices are gathered directly.
import type { LayerHandler } from '../context.ts';
import { identityPerm } from '../layout.ts';

const INT64 = 7; // TensorProto.DataType.INT64

export const Embedding: LayerHandler = (ctx) => {
  // The mask would make later recurrent layers skip steps; the exported graph carries no masks.
  if (ctx.config<boolean>('maskZero', false)) ctx.unsupported('maskZero is not supported (masks are not exported): set maskZero to false');
  const ref = ctx.inputs[0]!;
  let indices = ctx.inLayout(ref, identityPerm(ref.shape.length));
  if (indices.dtype === 'float32') {
    const cast = ctx.node('Cast', [indices], { to: INT64 }, 'Cast', 'int64');
    cast.shape = indices.shape;
    indices = cast;
  }
  const y = ctx.node('Gather', [ctx.constant('embeddings', ctx.weight('embeddings')), indices], { axis: 0 });
  return [ctx.output(y, identityPerm(ref.shape.length + 1))];
};
