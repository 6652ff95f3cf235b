// Preprocessing layers that are plain arithmetic at inference. Rescaling: x · scale + offset, elementwise,
// so it keeps its input's layout (and a pending flatten order).
import { floatTensor } from '../../ir/tensor.ts';
import type { LayerHandler } from '../context.ts';

export const Rescaling: LayerHandler = (ctx) => {
  const ref = ctx.inputs[0]!;
  const offset = ctx.config<number>('offset', 0);
  let y = ctx.node('Mul', [ref.value, ctx.constant('scale', floatTensor([], [ctx.config<number>('scale')]))]);
  if (offset !== 0) {
    y.shape = ref.value.shape;
    y = ctx.node('Add', [y, ctx.constant('offset', floatTensor([], [offset]))]);
  }
  return [ctx.output(y, ref.perm, ref.featureOrder)];
};
