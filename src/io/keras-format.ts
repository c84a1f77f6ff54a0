import { readFileSync, rmSync } from 'node:fs';
import { strFromU8, strToU8, zipSync } from 'fflate';
import { DataFormatError } from '../data/errors.js';
import { readZipDirectory, readZipEntry } from '../data/formats/zip.js';
import { Bidirectional } from '../layers/bidirectional.js';
import type { Layer } from '../layers/layer.js';
import { TimeDistributed } from '../layers/time-distributed.js';
import { Model } from '../models/model.js';
import { tempPathFor, writeAtomic, writeBytesAtomic } from './atomic.js';
import { compileArgsFromConfig } from './compile-config.js';
import { ModelFileError } from './errors.js';
import { type H5Reader, type H5Writer, readH5Bytes, writeH5 } from './hdf5.js';
import { kerasJson } from './keras-json.js';
import { kerasMajor, kerasModelConfig, modelFromConfig } from './model-config.js';
import { cellOf, type LayerClass } from './registry.js';
import {
  kerasLayerPaths,
  kerasWeights,
  optimizerArrays,
  planLayerAssign,
  planOptimizerRestore,
  type StoredArray,
  tfKerasLayerPaths,
} from './weights.js';

/**
 * The Keras release whose file layout Tensile writes (recorded as `keras_version`).
 *
 * @example
 * // metadata.json: { keras_version: KERAS_VERSION, date_saved: '2026-11-22@12:00:00' }
 */
export const KERAS_VERSION = '3.6.0';

const CONFIG = 'config.json';
const METADATA = 'metadata.json';
const WEIGHTS = 'model.weights.h5';

/** One run of a layer's variables: the group holding them and the (sub-)layer whose weights they are. */
interface VarsPart {
  readonly vars: string;
  readonly layer: Layer;
}

/** Where one layer's variables sit: the (possibly empty) groups Keras creates, and the weight runs. */
interface LayerVars {
  readonly groups: string[];
  readonly parts: VarsPart[];
}

/** A plain layer's groups: `<path>/vars`, or `<path>/cell/vars` for a recurrent layer's cell. */
function plainVars(path: string, layer: Layer): LayerVars {
  const vars = cellOf(layer.className) ? `${path}/cell/vars` : `${path}/vars`;
  return { groups: [`${path}/vars`], parts: [{ vars, layer }] };
}

/**
 * Keras 3 saves a Bidirectional's sub-layers as attributes (saving_lib walks them by attribute
 * name): `<path>/forward_layer/cell/vars` and `<path>/backward_layer/cell/vars`, with empty `vars`
 * groups for the wrapper and each sub-layer. Files Tensile wrote before kept all of them flat in
 * `<path>/vars`, which `r` (when reading) tells apart by the missing `forward_layer` group.
 */
function bidirectionalVars(path: string, layer: Bidirectional, r?: H5Reader): LayerVars {
  if (r && !r.isGroup(`${path}/forward_layer`) && r.isGroup(`${path}/vars`))
    return { groups: [], parts: [{ vars: `${path}/vars`, layer }] };
  const sub = [plainVars(`${path}/forward_layer`, layer.forwardLayer)];
  sub.push(plainVars(`${path}/backward_layer`, layer.backwardLayer));
  return { groups: [`${path}/vars`, ...sub.flatMap((v) => v.groups)], parts: sub.flatMap((v) => v.parts) };
}

/**
 * Where Keras keeps each layer's variables: `layers/<snake class>[_n]/vars` (Keras 3), or the
 * `_layer_checkpoint_dependencies/...` groups of tf.keras 2.12–2.14 when `r` shows them; recurrent
 * layers keep theirs in `.../cell/vars`, a Bidirectional in its two sub-layers' cells.
 *
 * A nested model is walked like the outer one under its own group (saving_lib's `_save_state`
 * recursion): an empty `layers/sequential/vars`, then `layers/sequential/layers/dense/vars/0`. A
 * layer met a second time (shared by an inner and the outer model) is saved once, at its first
 * path, as Keras' visited set does; the class counter still counts it.
 */
function varsPaths(model: Model, r?: H5Reader, prefix = '', visited = new Set<Layer>()): LayerVars[] {
  const tfKeras = r?.isGroup('_layer_checkpoint_dependencies') === true;
  const paths = (tfKeras ? tfKerasLayerPaths : kerasLayerPaths)(model.layers);
  return paths.flatMap((path, i) => {
    const layer = model.layers[i]!;
    const at = `${prefix}${path}`;
    if (visited.has(layer)) return [];
    visited.add(layer);
    if (layer instanceof Model) {
      if (tfKeras)
        throw new ModelFileError(
          `${r!.where}: nested model '${layer.name}' (${layer.className}) at '${at}': Tensile does not read nested models in the tf.keras 2.12–2.14 layout`,
        );
      return [{ groups: [`${at}/vars`], parts: [] }, ...varsPaths(layer, r, `${at}/`, visited)];
    }
    if (!tfKeras && layer instanceof Bidirectional) return [bidirectionalVars(at, layer, r)];
    if (layer instanceof TimeDistributed) {
      if (tfKeras)
        throw new ModelFileError(
          `${r!.where}: layer '${layer.name}' (TimeDistributed) at '${at}': Tensile does not read TimeDistributed in the tf.keras 2.12–2.14 layout`,
        );
      // saving_lib walks the wrapper's `layer` attribute: <path>/layer/vars (or /layer/cell/vars).
      const inner = plainVars(`${at}/layer`, layer.layer);
      return [{ groups: [`${at}/vars`, ...inner.groups], parts: [{ vars: inner.parts[0]!.vars, layer }] }];
    }
    return [plainVars(at, layer)];
  });
}

/**
 * The Keras 3 weights layout (saving_lib's H5IOStore): an empty root `vars`, each layer's variables
 * as datasets `0`, `1`, ... and the optimizer's under `optimizer/vars`.
 *
 * @example
 * // await writeH5(tmp, (w) => writeWeightsLayout(w, model));
 */
export function writeWeightsLayout(w: H5Writer, model: Model): void {
  w.group('vars');
  for (const { groups, parts } of varsPaths(model)) {
    for (const g of groups) w.group(g);
    for (const { vars, layer } of parts) {
      kerasWeights(layer).forEach((weight, k) => {
        w.dataset(`${vars}/${k}`, weight.variable.dataSync() as Float32Array, weight.variable.shape);
      });
    }
  }
  const opt = optimizerArrays(model);
  if (opt) {
    w.group('optimizer/vars');
    for (const [k, a] of opt.entries()) w.dataset(`optimizer/vars/${k}`, a.data, a.shape);
  }
}

/** Checks one run of stored variables against its layer and returns the assignment to run. */
function planPart(r: H5Reader, { vars, layer }: VarsPart): () => void {
  const count = r.keys(vars).length;
  if (count === 0 && layer.weightEntries.length > 0 && !r.isGroup(vars)) {
    const root = vars.split('/')[0]!;
    const groups = r.keys(root).map((g) => `${root}/${g}`);
    throw new ModelFileError(
      `${r.where}: no weights for layer '${layer.name}' (${layer.className}) at '${vars}' ` +
        `(${root === 'layers' ? 'Keras 3 (and tf.keras 2.15)' : 'tf.keras 2.12–2.14'} layout: groups named after the layer class, counted in model order); ` +
        `the file has ${groups.length > 0 ? groups.join(', ') : `top-level groups ${r.keys('/').join(', ') || 'none'}`}`,
    );
  }
  return planLayerAssign(layer, count, r.where, vars, (k, check) => r.floats(`${vars}/${k}`, check));
}

/**
 * Loads weights (and optimizer state, when the model is compiled) from the Keras 3 layout.
 *
 * @example
 * // await readH5(path, path, (r) => readWeightsLayout(r, model));
 */
export function readWeightsLayout(r: H5Reader, model: Model): void {
  if (!model.built) throw new ModelFileError(`${r.where}: the model must be built before loading weights`);
  const assigns = varsPaths(model, r).flatMap(({ parts }) => parts.map((part) => planPart(r, part)));
  const opt: StoredArray[] = [];
  if (model.optimizer && r.isGroup('optimizer/vars')) {
    const n = r.keys('optimizer/vars').length;
    for (let k = 0; k < n; k++) opt.push({ name: `optimizer/vars/${k}`, ...r.array(`optimizer/vars/${k}`) });
  }
  const restore = planOptimizerRestore(model, opt, r.where);
  for (const assign of assigns) assign();
  restore();
}

function dateSaved(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}@${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * Saves a model as a Keras 3 `.keras` zip (metadata.json, config.json, model.weights.h5).
 *
 * @example
 * // await saveKeras(model, 'runs/best.keras');
 */
export async function saveKeras(model: Model, path: string): Promise<void> {
  const h5 = `${tempPathFor(path)}.weights.h5`;
  let weights: Uint8Array;
  try {
    await writeH5(h5, (w) => writeWeightsLayout(w, model));
    weights = readFileSync(h5);
  } finally {
    rmSync(h5, { force: true });
  }
  const metadata = { keras_version: KERAS_VERSION, date_saved: dateSaved() };
  // Stored, not deflated, as Keras' zipfile.ZipFile writes it; same member order. One timestamp for
  // the whole archive: without it fflate reads the clock separately for the local header and the
  // central directory, and a save that straddles a second boundary writes two different times
  // (which our own reader rightly refuses as a damaged archive).
  const zip = zipSync(
    {
      [METADATA]: strToU8(JSON.stringify(metadata)),
      [CONFIG]: strToU8(kerasJson(kerasModelConfig(model))),
      [WEIGHTS]: weights,
    },
    { level: 0, mtime: new Date() },
  );
  await writeBytesAtomic(path, zip);
}

/**
 * The members of a .keras archive, with errors naming the file. Every member is read through the
 * checking zip reader (local header against central directory, sizes, CRC-32), so a damaged archive
 * is refused instead of loading a silently different model.
 *
 * @example
 * // const { 'config.json': config } = readKerasZip('runs/best.keras');
 */
export function readKerasZip(path: string): Record<string, Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new ModelFileError(`${path}: ${code === 'ENOENT' ? 'file not found' : (e as Error).message}`);
  }
  if (bytes[0] !== 0x50 || bytes[1] !== 0x4b)
    throw new ModelFileError(`${path}: not a .keras file (not a zip archive)`);
  const members: Record<string, Uint8Array> = {};
  try {
    const entries = readZipDirectory(bytes, path);
    for (const entry of entries.values()) members[entry.name] = readZipEntry(bytes, entry, path);
  } catch (e) {
    if (!(e instanceof DataFormatError)) throw e;
    throw new ModelFileError(`${e.path}: damaged .keras zip archive: ${e.detail}`);
  }
  for (const name of [CONFIG, WEIGHTS]) {
    if (!members[name]) {
      const npz = name === WEIGHTS && members['model.weights.npz'] ? ' (npz weights are not supported)' : '';
      throw new ModelFileError(
        `${path}: the archive has no '${name}' member${npz}; it holds: ${Object.keys(members).join(', ')}`,
      );
    }
  }
  return members;
}

/** The `keras_version` of a .keras archive's metadata.json, or null. */
function metadataVersion(members: Record<string, Uint8Array>): string | null {
  const bytes = members[METADATA];
  if (!bytes) return null;
  try {
    const version = (JSON.parse(strFromU8(bytes)) as { keras_version?: unknown }).keras_version;
    return typeof version === 'string' ? version : null;
  } catch {
    return null;
  }
}

/**
 * Loads a model from a Keras 3 `.keras` archive written by Keras or Tensile.
 *
 * @example
 * // const model = await loadKeras('runs/best.keras', { compile: true });
 */
export async function loadKeras(
  path: string,
  opts: { compile?: boolean; customObjects?: Record<string, LayerClass> },
): Promise<Model> {
  const members = readKerasZip(path);
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(strFromU8(members[CONFIG]!));
  } catch (e) {
    throw new ModelFileError(`${path}: ${CONFIG} is not valid JSON (${(e as Error).message})`);
  }
  const model = modelFromConfig(
    config,
    path,
    opts.customObjects,
    kerasMajor(metadataVersion(members), 'keras'),
  );
  const compile = config.compile_config as Record<string, unknown> | null | undefined;
  if (opts.compile !== false && compile) model.compile(compileArgsFromConfig(compile, path));
  await readH5Bytes(members[WEIGHTS]!, `${path} (${WEIGHTS})`, (r) => readWeightsLayout(r, model));
  return model;
}

/**
 * Saves weights (and optimizer state) in Keras 3's `.weights.h5` layout.
 *
 * @example
 * // await saveWeightsH5(model, 'runs/best.weights.h5');
 */
export async function saveWeightsH5(model: Model, path: string): Promise<void> {
  await writeAtomic(path, (tmp) => writeH5(tmp, (w) => writeWeightsLayout(w, model)));
}
