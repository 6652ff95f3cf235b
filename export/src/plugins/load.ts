// Loads plugin modules (`--plugin FILE`, repeatable) into a PluginSet: each custom class's tfjs layer class
// is registered with tfjs (so models using it load and run) and its lowering becomes a layer handler. The
// exporter's own handler table is not touched: exportModel takes the PluginSet as an option and extends
// the table for that export only.
import * as tf from '@tensorflow/tfjs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LayerHandler } from '../frontend/context.ts';
import { layerHandlers } from '../frontend/handlers/index.ts';
import type { LayerClass, Lowering, OnnxEdgePlugin, PluginApi } from './api.ts';
import { PluginError, firstLine } from './errors.ts';
import { pluginHandler } from './lowering.ts';

export interface PluginSet {
  /** Lowerings by class name, added to the exporter's handler table for one export. */
  readonly handlers: Readonly<Record<string, LayerHandler>>;
  /** The plugin (as named on the command line) that registered each class. */
  readonly classes: ReadonlyMap<string, string>;
}

export const NO_PLUGINS: PluginSet = { handlers: {}, classes: new Map() };

const CLASS_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;

function registrar(plugin: string, handlers: Record<string, LayerHandler>, classes: Map<string, string>): PluginApi['registerLayer'] {
  return (className, spec) => {
    const fail = (why: string): never => { throw new PluginError(`plugin '${plugin}': class '${String(className)}' ${why}`); };
    if (typeof className !== 'string' || !CLASS_NAME.test(className)) fail('is not a valid tfjs class name');
    if (Object.hasOwn(layerHandlers, className)) fail('is one the exporter handles itself; a plugin cannot replace it');
    const earlier = classes.get(className);
    if (earlier !== undefined) fail(`is registered twice (first by plugin '${earlier}')`);
    const { layerClass, lower } = (spec ?? {}) as { layerClass?: LayerClass; lower?: Lowering };
    if (typeof layerClass !== 'function' || !(layerClass.prototype instanceof tf.layers.Layer)) fail('needs a layerClass that extends api.tf.layers.Layer');
    if (layerClass!.className !== className) fail(`has a layerClass whose static className is '${String(layerClass!.className)}'`);
    if (typeof lower !== 'function') fail('needs a lower(builder) function');
    tf.serialization.registerClass(layerClass!);
    classes.set(className, plugin);
    handlers[className] = pluginHandler(plugin, className, lower!);
  };
}

/** Imports each plugin file and runs its default export; any failure is one PluginError line. */
export async function loadPlugins(files: readonly string[]): Promise<PluginSet> {
  const handlers: Record<string, LayerHandler> = {};
  const classes = new Map<string, string>();
  for (const file of files) {
    const path = resolve(file);
    if (!(await stat(path).then((s) => s.isFile(), () => false))) throw new PluginError(`plugin '${file}' does not exist (give the path of an ES module)`);
    let module: { default?: unknown };
    try {
      module = (await import(pathToFileURL(path).href)) as { default?: unknown };
    } catch (err) {
      throw new PluginError(`plugin '${file}' could not be loaded: ${firstLine(err)}`);
    }
    const register = module.default;
    if (typeof register !== 'function') throw new PluginError(`plugin '${file}' has no default export function (export default function (api) { ... })`);
    const api: PluginApi = { tf, registerLayer: registrar(file, handlers, classes) };
    try {
      await (register as OnnxEdgePlugin)(api);
    } catch (err) {
      if (err instanceof PluginError) throw err;
      throw new PluginError(`plugin '${file}' threw while registering: ${firstLine(err)}`);
    }
  }
  return { handlers, classes };
}
