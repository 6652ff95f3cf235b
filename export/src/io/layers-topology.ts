// A check of a layers-model topology before tfjs builds it. tfjs rebuilds a functional model by re-queueing
// every layer call whose inputs do not exist yet until the queue empties, so an inbound node naming an
// unknown layer, a node that is never created, or layers feeding each other in a cycle make it spin forever.
// This replays that schedule on the JSON alone — calls, not tensors — and refuses, in one line, a model
// whose queue would never empty.
import { ModelFileError, quoted } from './model-file-error.ts';

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const CONTAINERS = new Set(['Sequential', 'Model', 'Functional']);
/** Layer names end up in node names and error messages; real ones are far shorter. */
export const LAYER_NAME_MAX = 256;

/** One input of a layer call: output `tensorIndex` of call `nodeIndex` of layer `layer`. */
interface InboundRef {
  layer: string;
  nodeIndex: number;
  tensorIndex: number;
}

interface LayerCalls {
  name: string;
  className: string;
  calls: InboundRef[][];
}

function inboundRef(raw: unknown, what: string): InboundRef {
  if (!Array.isArray(raw) || typeof raw[0] !== 'string' || !Number.isSafeInteger(raw[1]) || raw[1] < 0 || !Number.isSafeInteger(raw[2]) || raw[2] < 0) {
    throw new ModelFileError(`${what} has a malformed inbound node (expected [layer name, node index, tensor index, kwargs])`);
  }
  return { layer: raw[0], nodeIndex: raw[1], tensorIndex: raw[2] };
}

function layerCalls(raw: unknown, where: string): LayerCalls {
  if (!isRecord(raw) || typeof raw['name'] !== 'string' || typeof raw['class_name'] !== 'string') {
    throw new ModelFileError(`${where} has a layer without a name or class_name`);
  }
  const what = `layer ${quoted(raw['name'])} in ${where}`;
  const inbound = raw['inbound_nodes'];
  if (!Array.isArray(inbound)) throw new ModelFileError(`${what} has no inbound_nodes list`);
  const calls = inbound.map((node) => {
    if (!Array.isArray(node)) throw new ModelFileError(`${what} has a malformed inbound node (expected a list of inputs)`);
    return node.map((ref) => inboundRef(ref, what));
  });
  return { name: raw['name'], className: raw['class_name'], calls };
}

/** Why the first waiting call of `stuck` can never run, for the error. */
function stuckReason(stuck: LayerCalls[], pending: Map<string, InboundRef[][]>, created: Map<string, number>, where: string): string {
  for (const layer of stuck) {
    for (const ref of pending.get(layer.name)![0]!) {
      const name = quoted(layer.name);
      if (!created.has(ref.layer)) return `layer ${name} in ${where} takes its input from ${quoted(ref.layer)}, which is not a layer of the model`;
      if (created.get(ref.layer)! > ref.nodeIndex) continue; // this input exists; another one is missing
      // Every waiting call of this layer is stuck, so a call of its own it waits on never comes.
      if (ref.layer === layer.name) return `layer ${name} in ${where} takes its own output (call ${ref.nodeIndex}) as input, which it never produces`;
      if (pending.has(ref.layer)) continue;
      const calls = created.get(ref.layer)!;
      return `layer ${name} in ${where} takes call ${ref.nodeIndex} of ${quoted(ref.layer)}, which is called only ${calls} time${calls === 1 ? '' : 's'}`;
    }
  }
  const names = stuck.slice(0, 5).map((l) => quoted(l.name, 60)).join(', ');
  return `layers ${names}${stuck.length > 5 ? ` and ${stuck.length - 5} more` : ''} in ${where} take their inputs from each other in a cycle`;
}

/** The calls each layer of a functional config ends up with, or a ModelFileError if tfjs would never finish. */
function replayCalls(layers: LayerCalls[], where: string): Map<string, number> {
  const created = new Map<string, number>();
  const pending = new Map<string, InboundRef[][]>();
  for (const layer of layers) {
    if (created.has(layer.name)) throw new ModelFileError(`${where} has two layers named ${quoted(layer.name)}`);
    // An InputLayer, and a sub-model (built from its own inputs), exist with one call before any is replayed.
    created.set(layer.name, layer.className === 'InputLayer' || CONTAINERS.has(layer.className) ? 1 : 0);
    if (layer.calls.length > 0) pending.set(layer.name, [...layer.calls]);
  }
  const ready = (ref: InboundRef) => (created.get(ref.layer) ?? 0) > ref.nodeIndex;
  let progressed = true;
  while (pending.size > 0 && progressed) {
    progressed = false;
    for (const layer of layers) {
      const waiting = pending.get(layer.name);
      if (!waiting) continue;
      const still = waiting.filter((call) => {
        if (!call.every(ready)) return true;
        // A call without inputs creates nothing (tfjs skips it).
        if (call.length > 0) created.set(layer.name, created.get(layer.name)! + 1);
        progressed = true;
        return false;
      });
      if (still.length > 0) pending.set(layer.name, still);
      else pending.delete(layer.name);
    }
  }
  if (pending.size > 0) throw new ModelFileError(stuckReason(layers.filter((l) => pending.has(l.name)), pending, created, where));
  return created;
}

function checkEndpoints(config: Json, key: 'input_layers' | 'output_layers', created: Map<string, number>, where: string): void {
  const refs = config[key];
  if (!Array.isArray(refs)) throw new ModelFileError(`${where} has no ${key} list`);
  for (const raw of refs) {
    const ref = inboundRef(raw, `${key} of ${where}`);
    const calls = created.get(ref.layer);
    if (calls === undefined) throw new ModelFileError(`${key} of ${where} name ${quoted(ref.layer)}, which is not a layer of the model`);
    if (ref.nodeIndex >= calls) throw new ModelFileError(`${key} of ${where} take call ${ref.nodeIndex} of ${quoted(ref.layer)}, which is called only ${calls} times`);
  }
}

function checkNameLength(name: string, where: string): void {
  if (name.length > LAYER_NAME_MAX) {
    throw new ModelFileError(`${where} has a layer named ${quoted(name, 60)} of ${name.length.toLocaleString('en-US')} characters; names over ${LAYER_NAME_MAX} are refused`);
  }
}

/** Where a (sub-)model is, for errors: the model.json, and the path of sub-model names inside it. */
function describe(source: string, subModels: string[]): string {
  return subModels.length === 0 ? source : `sub-model ${quoted(subModels.join('/'))} of ${source}`;
}

function checkModel(model: Json, source: string, subModels: string[]): void {
  const where = describe(source, subModels);
  const className = model['class_name'];
  const config = model['config'];
  const nameOf = (layer: Json) => String(layer['name'] ?? (isRecord(layer['config']) ? layer['config']['name'] : ''));
  if (className === 'Sequential') {
    const layers = Array.isArray(config) ? config : isRecord(config) ? config['layers'] : undefined;
    if (!Array.isArray(layers)) throw new ModelFileError(`${where} is a Sequential model without a layers list`);
    layers.forEach((layer) => isRecord(layer) && checkNameLength(nameOf(layer), where));
    for (const layer of layers) {
      if (isRecord(layer) && CONTAINERS.has(layer['class_name'] as string)) checkModel(layer, source, [...subModels, nameOf(layer)]);
    }
    return;
  }
  if (className !== 'Model' && className !== 'Functional') return; // a single layer: tfjs says what it thinks of it
  if (!isRecord(config) || !Array.isArray(config['layers'])) throw new ModelFileError(`${where} is a functional model without a layers list`);
  const layers = config['layers'].map((l) => layerCalls(l, where));
  layers.forEach((l) => checkNameLength(l.name, where));
  const created = replayCalls(layers, where);
  checkEndpoints(config, 'input_layers', created, where);
  checkEndpoints(config, 'output_layers', created, where);
  config['layers'].forEach((layer, i) => {
    if (CONTAINERS.has(layers[i]!.className)) checkModel(layer as Json, source, [...subModels, layers[i]!.name]);
  });
}

/** Refuses, in one line naming the layer, a layers-model topology that tfjs would spin on or misread. */
export function checkLayersTopology(topology: Json, source: string): void {
  const model = isRecord(topology['model_config']) ? topology['model_config'] : topology;
  checkModel(model, source, []);
}
