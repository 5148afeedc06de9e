#!/usr/bin/env python3
"""Checks exported ONNX graphs with an implementation of the standard that is not ours nor ML.NET's
(Debian's python3-onnx): the checker with full shape inference, the opset, and that every node is a
standard operator (domain ai.onnx, or ai.onnx.ml for the slot-name and label nodes ML.NET adds).
Usage: check-onnx.py FILE.onnx [...]; prints one line per file, exits 1 on the first failure."""
import collections
import sys

import onnx

STANDARD_DOMAINS = {"", "ai.onnx", "ai.onnx.ml"}

for path in sys.argv[1:]:
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    opsets = {o.domain or "ai.onnx": o.version for o in model.opset_import}
    foreign = sorted({n.domain for n in model.graph.node if n.domain not in STANDARD_DOMAINS})
    if foreign:
        sys.exit(f"{path}: nodes outside the standard domains: {foreign}")
    ops = collections.Counter(n.op_type for n in model.graph.node)
    print(f"{path}: valid ONNX (ir {model.ir_version}, opsets {opsets}), {len(model.graph.node)} nodes: "
          + ", ".join(f"{op} {count}" for op, count in sorted(ops.items())))
