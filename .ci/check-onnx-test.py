#!/usr/bin/env python3
"""Cases of .ci/check-onnx.py: on small graphs written here with onnx.helper, it must pass a valid graph and
refuse (exit non-zero, no pass line) one that is not valid, a node outside the standard domains, a
sparseae.features entry that names no output, --features-named without the entry or without export-onnx's
mark (sparseae.exporter), a file that is no ONNX
graph, and no file at all. Run by .ci/run, on Debian's python3-onnx."""
import os
import subprocess
import sys
import tempfile

import onnx
from onnx import TensorProto, helper

here = os.path.dirname(os.path.abspath(__file__))


def graph(domain='', features='Features', output='Features', node_input='X', exporter='sparseae export-onnx'):
    """X (N x 4) -> Relu -> output, with the metadata entries sparseae.features = features and sparseae.exporter =
    exporter (None: no entry)."""
    node = helper.make_node('Relu', [node_input], [output], domain=domain)
    g = helper.make_graph([node], 'g', [helper.make_tensor_value_info('X', TensorProto.FLOAT, ['N', 4])],
                          [helper.make_tensor_value_info(output, TensorProto.FLOAT, ['N', 4])])
    opsets = [helper.make_opsetid('', 13)] + ([helper.make_opsetid(domain, 1)] if domain else [])
    model = helper.make_model(g, opset_imports=opsets)
    props = {k: v for k, v in [('sparseae.features', features), ('sparseae.exporter', exporter)] if v is not None}
    if props:
        helper.set_model_props(model, props)
    return model.SerializeToString()


cases = [
    ('a valid graph naming its features', graph(), [], True),
    ('a valid graph naming its features, --features-named', graph(), ['--features-named'], True),
    ('a valid graph without the entry', graph(features=None), [], True),
    ('--features-named, a graph without the entry', graph(features=None), ['--features-named'], False),
    ('--features-named, a graph without the exporter mark', graph(exporter=None), ['--features-named'], False),
    ('--features-named, another exporter', graph(exporter='someone else'), ['--features-named'], False),
    ('a valid graph without the exporter mark', graph(exporter=None), [], True),
    ('the entry naming no output', graph(features='Code'), [], False),
    ('a node outside the standard domains', graph(domain='com.microsoft'), [], False),
    ('a node reading an input the graph does not have', graph(node_input='Y'), [], False),
    ('an empty file', b'', [], False),
    ('no ONNX graph', b'W1,W2\n', [], False),
    ('no file', None, [], False),
    ('no file, --features-named', None, ['--features-named'], False),
]


def run(content, flags):
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        if content is not None:
            paths.append(os.path.join(folder, 'model.onnx'))
            with open(paths[0], 'wb') as f:
                f.write(content)
        result = subprocess.run([sys.executable, os.path.join(here, 'check-onnx.py'), *flags, *paths], capture_output=True, text=True)
        # A pass is exit 0 with a line per file; a refusal, any other exit (a traceback included: the checker raises).
        return result.returncode == 0 and (content is None or 'valid ONNX' in result.stdout)


failures = [name for name, content, flags, passes in cases if run(content, flags) != passes]
for name in failures:
    print(f'check-onnx.py got this case wrong: {name}')
print(f'check-onnx.py: {len(cases) - len(failures)} of {len(cases)} cases right')
sys.exit(1 if failures else 0)
