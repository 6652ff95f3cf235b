// The elementwise merge layers beyond Add. ONNX Mul is binary (applied left to right like tfjs); Max, Min
// and Mean take any number of inputs. tfjs has no Subtract layer class, so there is none here.
import type { LayerHandler } from '../context.ts';
import { aligned } from './merge.ts';

export const Multiply: LayerHandler = (ctx) => {
  const { values, ref, featureOrder } = aligned(ctx);
  let product = values[0]!;
  values.slice(1).forEach((v, i) => { product = ctx.node('Mul', [product, v], {}, `Mul_${i}`); });
  return [ctx.output(product, ref.perm, featureOrder)];
};

function variadicMerge(opType: 'Max' | 'Min' | 'Mean'): LayerHandler {
  return (ctx) => {
    const { values, ref, featureOrder } = aligned(ctx);
    return [ctx.output(ctx.node(opType, values), ref.perm, featureOrder)];
  };
}

export const Maximum = variadicMerge('Max');
export const Minimum = variadicMerge('Min');
export const Average = variadicMerge('Mean');
