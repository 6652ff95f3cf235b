// Symbolic dimensions. A dimension is a number, UNKNOWN_DIM, or a name: a graph input's symbol ('N',
// 'input_height') or an expression of such symbols in a small grammar — integers, names, + - *, and
// floor(e/k), ceil(e/k) for integer k. Shape inference names a dimension that is a function of input symbols
// by that function ('2*input_height', 'ceil(input_width/2)'), so two values share a name only when they are
// equal for every input size; where no rule knows the function the dimension stays unnamed. Expressions are
// kept in one canonical form (a polynomial over names and floor/ceil atoms), so equal functions built in
// different orders get the same name, and `evaluateDim` computes a name's size for given input sizes.
import type { Dim } from './graph.ts';

/** A dimension nobody can name: written to ONNX as a dim with neither a value nor a parameter. */
export const UNKNOWN_DIM = '?';

/** Monomial key ('' for the constant term, else factor names sorted and joined by '*') → coefficient. */
type Poly = Map<string, number>;

/** How a parsed expression is interpreted: as a polynomial (canonical names) or as a number (evaluation). */
interface Algebra<T> {
  int(value: number): T;
  name(name: string): T;
  add(a: T, b: T): T;
  mul(a: T, b: T): T;
  /** floor (or ceil) of a / k for a positive integer k. */
  div(a: T, k: number, round: 'floor' | 'ceil'): T;
}

const polyAlgebra: Algebra<Poly> = {
  int: (value) => new Map(value === 0 ? [] : [['', value]]),
  name: (name) => new Map([[name, 1]]),
  add: (a, b) => {
    const sum = new Map(a);
    for (const [key, c] of b) {
      const total = (sum.get(key) ?? 0) + c;
      if (total === 0) sum.delete(key);
      else sum.set(key, total);
    }
    return sum;
  },
  mul: (a, b) => {
    let product: Poly = new Map();
    for (const [ka, ca] of a) {
      for (const [kb, cb] of b) {
        const key = [...factorsOf(ka), ...factorsOf(kb)].sort().join('*');
        product = polyAlgebra.add(product, new Map([[key, ca * cb]]));
      }
    }
    return product;
  },
  div: (a, k, round) => {
    if ([...a.values()].every((c) => c % k === 0)) return new Map([...a].map(([key, c]) => [key, c / k]));
    if (a.size === 1 && a.has('')) {
      const q = a.get('')! / k;
      return polyAlgebra.int(round === 'floor' ? Math.floor(q) : Math.ceil(q));
    }
    return polyAlgebra.name(`${round}(${factor(a)}/${k})`);
  },
};

const numberAlgebra: Algebra<number> = {
  int: (value) => value,
  name: () => Number.NaN,
  add: (a, b) => a + b,
  mul: (a, b) => a * b,
  div: (a, k, round) => (round === 'floor' ? Math.floor(a / k) : Math.ceil(a / k)),
};

/** The factors of a monomial key: split at the '*'s outside parentheses (floor/ceil atoms hold their own). */
function factorsOf(key: string): string[] {
  const factors: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < key.length; i++) {
    const ch = key[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === '*' && depth === 0) { factors.push(key.slice(start, i)); start = i + 1; }
  }
  if (key.length > 0) factors.push(key.slice(start));
  return factors;
}

function format(poly: Poly): string {
  const terms = [...poly].filter(([key]) => key !== '').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const constant = poly.get('') ?? 0;
  const parts = terms.map(([key, c]) => (c === 1 ? key : c === -1 ? `-${key}` : `${c}*${key}`));
  if (constant !== 0 || parts.length === 0) parts.push(String(constant));
  return parts.reduce((text, part, i) => (i === 0 ? part : part.startsWith('-') ? `${text}${part}` : `${text}+${part}`), '');
}

/** The polynomial as one factor of a product or quotient: parenthesised unless it is a single term. */
function factor(poly: Poly): string {
  const text = format(poly);
  return poly.size === 1 && !text.startsWith('-') && !poly.has('') ? text : `(${text})`;
}

const TOKEN = /\s*(\d+|[A-Za-z_][A-Za-z0-9_]*|[-+*/()])/y;

/** Parses a dimension name in the grammar above; undefined when it is not one (e.g. UNKNOWN_DIM). */
function parse<T>(text: string, algebra: Algebra<T>): T | undefined {
  const tokens: string[] = [];
  let end = 0;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    tokens.push(m[1]!);
    end = TOKEN.lastIndex;
  }
  if (text.slice(end).trim() !== '') return undefined;
  let at = 0;
  const peek = () => tokens[at];
  const expect = (token: string) => {
    if (tokens[at++] !== token) throw new SyntaxError(`expected '${token}'`);
  };
  const expr = (): T => {
    let value = peek() === '-' ? (at++, algebra.mul(algebra.int(-1), term())) : term();
    while (peek() === '+' || peek() === '-') {
      const sign = tokens[at++] === '-' ? -1 : 1;
      value = algebra.add(value, sign === 1 ? term() : algebra.mul(algebra.int(-1), term()));
    }
    return value;
  };
  const term = (): T => {
    let value = primary();
    while (peek() === '*') { at++; value = algebra.mul(value, primary()); }
    return value;
  };
  const primary = (): T => {
    const token = tokens[at++];
    if (token === undefined) throw new SyntaxError('unexpected end');
    if (/^\d+$/.test(token)) return algebra.int(Number(token));
    if (token === '(') { const value = expr(); expect(')'); return value; }
    if ((token === 'floor' || token === 'ceil') && peek() === '(') {
      at++;
      const value = expr();
      expect('/');
      const k = Number(tokens[at++]);
      if (!Number.isInteger(k) || k <= 0) throw new SyntaxError('divisor must be a positive integer');
      expect(')');
      return algebra.div(value, k, token);
    }
    if (/^[A-Za-z_]/.test(token)) return algebra.name(token);
    throw new SyntaxError(`unexpected '${token}'`);
  };
  try {
    const value = expr();
    return at === tokens.length ? value : undefined;
  } catch {
    return undefined;
  }
}

function toPoly(dim: Dim): Poly | undefined {
  return typeof dim === 'number' ? polyAlgebra.int(dim) : parse(dim, polyAlgebra);
}

function fromPoly(poly: Poly | undefined): Dim {
  if (!poly) return UNKNOWN_DIM;
  if (poly.size === 0) return 0;
  if (poly.size === 1 && poly.has('')) return poly.get('')!;
  return format(poly);
}

function combine(dims: readonly Dim[], op: (a: Poly, b: Poly) => Poly, empty: number): Dim {
  let acc: Poly | undefined = polyAlgebra.int(empty);
  for (const d of dims) {
    const p = toPoly(d);
    acc = acc && p ? op(acc, p) : undefined;
  }
  return fromPoly(acc);
}

export const sumDims = (dims: readonly Dim[]): Dim => combine(dims, polyAlgebra.add, 0);
export const productDims = (dims: readonly Dim[]): Dim => combine(dims, polyAlgebra.mul, 1);
export const addDim = (dim: Dim, offset: number): Dim => sumDims([dim, offset]);

/** floor(dim / k) or ceil(dim / k) for a positive integer k. */
export function divDim(dim: Dim, k: number, round: 'floor' | 'ceil'): Dim {
  const p = toPoly(dim);
  return fromPoly(p && polyAlgebra.div(p, k, round));
}

/** dim / k when the division is exact for every value of the symbols; else unnamed. */
export function exactDivDim(dim: Dim, k: number): Dim {
  const p = toPoly(dim);
  if (!p || ![...p.values()].every((c) => c % k === 0)) return UNKNOWN_DIM;
  return fromPoly(polyAlgebra.div(p, k, 'floor'));
}

/** The size a dimension name stands for, given the sizes of the input symbols; undefined if unnamed. */
export function evaluateDim(dim: Dim, symbols: Readonly<Record<string, number>>): number | undefined {
  if (typeof dim === 'number') return dim;
  const value = parse(dim, { ...numberAlgebra, name: (name) => symbols[name] ?? Number.NaN });
  return value === undefined || Number.isNaN(value) ? undefined : value;
}

/** A symbol made of a layer or input name: letters, digits and '_' only, not starting with a digit. */
export function symbolName(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
}
