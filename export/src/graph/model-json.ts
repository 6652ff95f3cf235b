// The graph-model reader: a tfjs-converter model.json (`format: "graph-model"`, or a modelTopology with `node`;
// read with bounded work by io/model-json.ts) parsed into TF GraphDef nodes with their input references
// resolved — `name`, `name:N` (output N) and `^name` (a control dependency, which orders execution but carries
// no data) — plus the signature and the weights manifest (checked by the shared weight reader). Every problem
// is one line naming the file and the node.
import { ModelFileError } from '../io/model-file-error.ts';
import { parseWeightsManifest, type WeightsGroup } from '../io/weights.ts';
import { decodeAttributes, type TfAttributes } from './attributes.ts';

/** A node's data input: output `index` of node `node`. */
export interface TfInputRef {
  node: string;
  index: number;
}

export interface TfNode {
  name: string;
  op: string;
  inputs: TfInputRef[];
  /** Nodes that must run first (inputs written `^name`); no data flows from them. */
  controlInputs: string[];
  attrs: TfAttributes;
}

export interface TfSignatureEntry {
  /** Signature key (the user-facing name). */
  key: string;
  /** The tensor it names. */
  ref: TfInputRef;
}

export interface GraphModelJson {
  /** The model.json path, for messages. */
  path: string;
  nodes: TfNode[];
  byName: ReadonlyMap<string, TfNode>;
  /** Names of the functions in `library.function` (control-flow bodies), which no handler takes yet. */
  functions: string[];
  inputs: TfSignatureEntry[];
  outputs: TfSignatureEntry[];
  weightsManifest: WeightsGroup[];
  /** The parsed JSON as tfjs reads it, for loading the same model in tfjs. */
  raw: Record<string, unknown>;
}

/** `name`, `name:3` or `^name` → a reference; function-body refs (`name:output:0`) keep their last index. */
function parseInputRef(text: string): TfInputRef & { control: boolean } {
  if (text.startsWith('^')) return { node: text.slice(1), index: 0, control: true };
  const parts = text.split(':');
  if (parts.length === 1) return { node: text, index: 0, control: false };
  const index = Number(parts[parts.length - 1]);
  if (!Number.isInteger(index) || index < 0) return { node: text, index: 0, control: false };
  return { node: parts[0]!, index, control: false };
}

function fail(path: string, detail: string): never {
  throw new ModelFileError(`${path}: ${detail}`);
}

function parseNode(path: string, raw: unknown, position: number): TfNode {
  if (typeof raw !== 'object' || raw === null) fail(path, `modelTopology.node[${position}] is not an object`);
  const { name, op, input, attr } = raw as Record<string, unknown>;
  if (typeof name !== 'string' || name === '') fail(path, `modelTopology.node[${position}] has no name`);
  if (typeof op !== 'string' || op === '') fail(path, `node '${name}' has no op`);
  if (input !== undefined && !(Array.isArray(input) && input.every((i) => typeof i === 'string'))) {
    fail(path, `node '${name}' has a malformed input list (expected strings)`);
  }
  const refs = ((input as string[] | undefined) ?? []).map(parseInputRef);
  let attrs: TfAttributes;
  try {
    attrs = decodeAttributes(attr);
  } catch (err) {
    fail(path, `node '${name}' (${op}): ${(err as Error).message}`);
  }
  return {
    name,
    op,
    inputs: refs.filter((r) => !r.control).map(({ node, index }) => ({ node, index })),
    controlInputs: refs.filter((r) => r.control).map((r) => r.node),
    attrs,
  };
}

function signatureEntries(path: string, section: unknown, which: string): TfSignatureEntry[] {
  if (section === undefined || section === null) return [];
  if (typeof section !== 'object') fail(path, `signature.${which} is not an object`);
  return Object.entries(section as Record<string, unknown>).map(([key, entry]) => {
    const name = (entry as Record<string, unknown> | null)?.['name'];
    if (typeof name !== 'string') fail(path, `signature.${which}.${key} has no tensor name`);
    const { node, index } = parseInputRef(name);
    return { key, ref: { node, index } };
  });
}

/** Parses the JSON of a graph model's model.json (already known to be one: see io/model-json.ts' modelFormat). */
export function parseGraphModelJson(path: string, json: Record<string, unknown>): GraphModelJson {
  const topology = json['modelTopology'] as Record<string, unknown> | undefined;
  const rawNodes = topology?.['node'];
  if (!Array.isArray(rawNodes)) fail(path, 'modelTopology.node is missing: not a tfjs graph model');
  const nodes = rawNodes.map((raw, i) => parseNode(path, raw, i));
  const byName = new Map<string, TfNode>();
  for (const node of nodes) {
    if (byName.has(node.name)) fail(path, `two nodes are named '${node.name}'`);
    byName.set(node.name, node);
  }
  for (const node of nodes) {
    for (const ref of [...node.inputs.map((r) => r.node), ...node.controlInputs]) {
      if (!byName.has(ref)) fail(path, `node '${node.name}' (${node.op}) takes input '${ref}', which is not a node of the graph`);
    }
  }
  const library = topology?.['library'] as Record<string, unknown> | undefined;
  const functions = Array.isArray(library?.['function'])
    ? (library['function'] as { signature?: { name?: string } }[]).map((f, i) => f.signature?.name ?? `function ${i}`)
    : [];
  const signature = json['signature'] as Record<string, unknown> | undefined | null;
  return {
    path,
    nodes,
    byName,
    functions,
    inputs: signatureEntries(path, signature?.['inputs'], 'inputs'),
    outputs: signatureEntries(path, signature?.['outputs'], 'outputs'),
    weightsManifest: parseWeightsManifest(json['weightsManifest'], path),
    raw: json,
  };
}
