// tfjs' noise layers: GaussianNoise, GaussianDropout and AlphaDropout only act while training, so at
// inference they are identities like Dropout.
import { inferenceIdentity } from './core.ts';

export const GaussianNoise = inferenceIdentity;
export const GaussianDropout = inferenceIdentity;
export const AlphaDropout = inferenceIdentity;
