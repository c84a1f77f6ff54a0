#!/usr/bin/env python3
"""Checks that model files Tensile wrote have the layout Keras' loaders expect, using h5py.

Usage: python3 scripts/check-h5-layout.py FILE...   (FILE: *.keras, *.h5 or *.weights.h5)

Each file is opened with h5py (Debian's python3-h5py is enough; Keras itself is not needed) and
walked the way Keras 3 reads it:
  .keras       keras/src/saving/saving_lib.py: zip members, config.json, H5IOStore groups
               `layers/<snake_case class>[_n]/vars/<i>` and `optimizer/vars/<i>`
  .weights.h5  the same H5IOStore layout without the zip
  .h5          keras/src/legacy/saving/legacy_h5_format.py: root attrs, `model_weights`
               (`layer_names`, `weight_names`, datasets), `optimizer_weights`
It prints the tree and exits non-zero on the first violation. Not run by the test suite (CI has no
h5py); the suite reads files back with h5wasm instead.
"""

import io
import json
import re
import sys
import zipfile

import h5py
import numpy as np


def to_snake_case(name):  # keras/src/utils/naming.py
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def load_attributes_from_hdf5_group(group, name):  # legacy_h5_format.py
    if name in group.attrs:
        return [n.decode("utf8") if hasattr(n, "decode") else n for n in group.attrs[name]]
    data, chunk_id = [], 0
    while f"{name}{chunk_id}" in group.attrs:
        data.extend(n.decode("utf8") if hasattr(n, "decode") else n for n in group.attrs[f"{name}{chunk_id}"])
        chunk_id += 1
    return data


def fail(msg):
    print(f"  FAIL: {msg}")
    sys.exit(1)


def tree(h5):
    def show(name, obj):
        if isinstance(obj, h5py.Dataset):
            print(f"    {name}  {obj.dtype} {obj.shape}")
        else:
            attrs = ", ".join(f"{k}={obj.attrs[k]!r}"[:90] for k in obj.attrs)
            print(f"    {name}/" + (f"  [{attrs}]" if attrs else ""))
    for k in h5.attrs:
        print(f"    @{k} = {str(h5.attrs[k])[:100]!s}")
    h5.visititems(show)


def check_weights_store(h5, layers):
    """layers: [(class_name, n_weights or None)] in model order (InputLayer excluded)."""
    if "vars" not in h5:
        fail("no root 'vars' group (H5Entry for the model itself)")
    used = {}
    for class_name, n in layers:
        name = to_snake_case(class_name)
        if name in used:
            used[name] += 1
            name = f"{name}_{used[name]}"
        else:
            used[name] = 0
        path = f"layers/{name}"
        if path not in h5 or "vars" not in h5[path]:
            fail(f"missing group {path}/vars")
        group = h5[path]["cell"]["vars"] if "cell" in h5[path] else h5[path]["vars"]
        keys = sorted(group.keys(), key=int)
        if keys != [str(i) for i in range(len(keys))]:
            fail(f"{path}: variables are not numbered 0..n-1: {keys}")
        if n is not None and len(keys) != n:
            fail(f"{path}: {len(keys)} variables, expected {n}")
        for k in keys:
            if group[k].dtype != np.float32:
                fail(f"{path}/{k}: dtype {group[k].dtype}")
        print(f"  ok {path}: {len(keys)} variables {[group[k].shape for k in keys]}")
    if "optimizer" in h5:
        ov = h5["optimizer"]["vars"]
        n = len(ov.keys())
        it, lr = ov["0"], ov["1"]
        if it.shape != () or it.dtype.kind != "i" or lr.shape != () or lr.dtype != np.float32:
            fail(f"optimizer/vars/0,1 must be int iteration and float32 learning_rate, got {it.dtype}{it.shape}, {lr.dtype}{lr.shape}")
        print(f"  ok optimizer/vars: {n} variables (iteration={it[()]}, learning_rate={lr[()]})")


def check_keras(path):
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        if names[:3] != ["metadata.json", "config.json", "model.weights.h5"]:
            fail(f"zip members {names}")
        meta = json.loads(zf.read("metadata.json"))
        config = json.loads(zf.read("config.json"))
        weights = zf.read("model.weights.h5")
    print(f"  metadata.json: {meta}")
    if config.get("module") != "keras" or config.get("class_name") != "Sequential":
        fail("config.json is not a keras Sequential")
    entries = config["config"]["layers"]
    for e in entries:
        if set(e) < {"module", "class_name", "config", "registered_name"}:
            fail(f"layer entry without module/class_name/config/registered_name: {e}")
    if entries and entries[0]["class_name"] != "InputLayer":
        fail("first layer entry is not an InputLayer")
    print(f"  config.json layers: {[e['class_name'] for e in entries]}; compile_config: {sorted(config.get('compile_config') or {})}")
    layers = [(e["class_name"], None) for e in entries if e["class_name"] != "InputLayer"]
    with h5py.File(io.BytesIO(weights), "r") as h5:
        tree(h5)
        check_weights_store(h5, layers)


def check_weights(path):
    with h5py.File(path, "r") as h5:
        tree(h5)
        # No config here: check every layer group H5IOStore wrote, in Keras' numbering.
        names = sorted(h5.get("layers", {}), key=lambda n: (re.sub(r"_\d+$", "", n), int(re.search(r"_(\d+)$", n).group(1)) if re.search(r"_\d+$", n) else 0))
        layers = [("".join(p.capitalize() for p in re.sub(r"_\d+$", "", n).split("_")), None) for n in names]
        check_weights_store(h5, layers)


def check_legacy(path):
    with h5py.File(path, "r") as h5:
        tree(h5)
        for k in ("keras_version", "backend", "model_config"):
            if k not in h5.attrs:
                fail(f"missing root attribute {k}")
        model_config = h5.attrs["model_config"]
        model_config = json.loads(model_config.decode("utf-8") if hasattr(model_config, "decode") else model_config)
        config_layers = [l for l in model_config["config"]["layers"] if l["class_name"] != "InputLayer"]
        if "training_config" in h5.attrs:
            tc = h5.attrs["training_config"]
            tc = json.loads(tc.decode("utf-8") if hasattr(tc, "decode") else tc)
            print(f"  training_config: loss={tc['loss']!r} optimizer={tc['optimizer_config']['class_name']}")
        f = h5["model_weights"]
        layer_names = load_attributes_from_hdf5_group(f, "layer_names")
        if layer_names != [l["config"]["name"] for l in config_layers]:
            fail(f"layer_names {layer_names} differ from model_config layers")
        for name in layer_names:
            weight_names = load_attributes_from_hdf5_group(f[name], "weight_names")
            values = [np.asarray(f[name][w]) for w in weight_names]
            print(f"  ok model_weights/{name}: {weight_names} {[v.shape for v in values]}")
        if "top_level_model_weights" not in f:
            fail("no top_level_model_weights group")
        if "optimizer_weights" in h5:
            names = load_attributes_from_hdf5_group(h5["optimizer_weights"], "weight_names")
            values = [np.asarray(h5["optimizer_weights"][n]) for n in names]
            print(f"  ok optimizer_weights: {len(values)} values, first {names[:2]}")


def main():
    for path in sys.argv[1:]:
        print(path)
        if path.endswith(".keras"):
            check_keras(path)
        elif path.endswith(".weights.h5"):
            check_weights(path)
        else:
            check_legacy(path)
        print("  layout OK")


if __name__ == "__main__":
    main()
