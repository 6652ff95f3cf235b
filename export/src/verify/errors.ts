// The error of verification: a failed parity check, or inputs the check cannot be run on. One line each.

export class ParityError extends Error {
  override name = 'ParityError';
}
