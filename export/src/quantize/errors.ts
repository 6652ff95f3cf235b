// One error type for what a user can get wrong when quantizing (the model, the data, the verification):
// its message is one line that names the thing and what to do.
export class QuantizeError extends Error {
  override name = 'QuantizeError';
}
