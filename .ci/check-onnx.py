#!/usr/bin/env python3
"""Checks exported ONNX graphs with an implementation of the standard that is not ours nor ML.NET's
(Debian's python3-onnx): the checker with full shape inference, the opset, and that every node is a
standard operator (domain ai.onnx, or ai.onnx.ml for the slot-name and label nodes ML.NET adds), and that
the metadata entry sparseae.features, which export-onnx appends, names one of the graph's outputs (required
with --features-named, as is export-onnx's mark sparseae.exporter; a graph ML.NET's converter wrote alone has neither).

One known exception, ML.NET's and not ours: for every output column with slot names (our sparse codes
name theirs latent_j), ML.NET's converter adds a LabelEncoder node "mlnet.<column>.SlotNames" whose
graph output it declares with shape (-1, 1) while its constant input gives (1, 1), which full shape
inference rejects ("Inferred shape and existing shape differ in dimension 0"). ONNX Runtime loads
and runs such graphs, and ML.NET reads the slot names back from them. For those graphs the check is:
the plain checker on the whole graph, and full shape inference on the graph without those metadata
nodes and outputs.
Usage: check-onnx.py [--features-named] FILE.onnx [...]; prints one line per file, exits 1 on the first failure."""
import collections
import copy
import sys

import onnx

STANDARD_DOMAINS = {"", "ai.onnx", "ai.onnx.ml"}


def without_slot_name_metadata(model):
    stripped = copy.deepcopy(model)
    graph = stripped.graph
    metadata = [n for n in graph.node if n.op_type == "LabelEncoder" and n.name.startswith("mlnet.") and n.name.endswith(".SlotNames")]
    outputs = {o for n in metadata for o in n.output}
    inputs = {i for n in metadata for i in n.input}
    for n in metadata:
        graph.node.remove(n)
    for o in [o for o in graph.output if o.name in outputs]:
        graph.output.remove(o)
    for init in [i for i in graph.initializer if i.name in inputs and not any(i.name in n.input for n in graph.node)]:
        graph.initializer.remove(init)
    return stripped, len(metadata)


# --features-named: the graphs that follow are sparseae export-onnx's, which must name their features output.
features_named = sys.argv[1:2] == ["--features-named"]
paths = sys.argv[2 if features_named else 1:]
if not paths:   # no file checked is no pass (it exited 0)
    sys.exit(__doc__.splitlines()[-1])
for path in paths:
    model = onnx.load(path)
    note = ""
    try:
        onnx.checker.check_model(model, full_check=True)
    except onnx.shape_inference.InferenceError:
        stripped, count = without_slot_name_metadata(model)
        if count == 0:
            raise
        onnx.checker.check_model(model)                      # the whole graph, without shape inference
        onnx.checker.check_model(stripped, full_check=True)  # everything but ML.NET's slot-name metadata
        note = f" (full shape inference without ML.NET's {count} slot-name metadata node(s), whose outputs it declares (-1, 1))"
    opsets = {o.domain or "ai.onnx": o.version for o in model.opset_import}
    foreign = sorted({n.domain for n in model.graph.node if n.domain not in STANDARD_DOMAINS})
    if foreign:
        sys.exit(f"{path}: nodes outside the standard domains: {foreign}")
    # export-onnx names the output that featurize writes in the graph's metadata (an entry appended to the
    # serialized ModelProto by our own code): read back by this reader, it must be one of the graph's outputs.
    named = {p.key: p.value for p in model.metadata_props}.get("sparseae.features")
    if (named is not None or features_named) and named not in {o.name for o in model.graph.output}:
        sys.exit(f"{path}: metadata sparseae.features is {named!r}, not one of the outputs {[o.name for o in model.graph.output]}")
    if named is not None:
        note += f"; features {named}"
    # Every graph export-onnx writes carries its mark, by which featurize tells its own graphs from foreign ones.
    exporter = {p.key: p.value for p in model.metadata_props}.get("sparseae.exporter")
    if features_named and exporter != "sparseae export-onnx":
        sys.exit(f"{path}: metadata sparseae.exporter is {exporter!r}, not 'sparseae export-onnx'")
    ops = collections.Counter(n.op_type for n in model.graph.node)
    print(f"{path}: valid ONNX{note} (ir {model.ir_version}, opsets {opsets}), {len(model.graph.node)} nodes: "
          + ", ".join(f"{op} {count}" for op, count in sorted(ops.items())))
