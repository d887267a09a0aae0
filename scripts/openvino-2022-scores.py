"""Scores of one IR on OpenVINO's CPU plugin, for scripts/openvino-2022-check.sh.

Runs on both sides of the check with whichever OpenVINO is installed (2022.3.1 in a Debian bullseye
root, today's in .venv): reads and compiles the IR, runs it on INPUTS (N inputs of the model's shape,
one .npy file) and writes the N outputs to OUT (.npy), then prints the runtime's version.

    python3 openvino-2022-scores.py MODEL.xml INPUTS.npy OUT.npy
"""
import sys

import numpy as np

try:
    from openvino import Core, get_version  # 2023.0 and later
except ImportError:  # 2022.3
    from openvino.runtime import Core, get_version

xml, inputs_path, out_path = sys.argv[1:4]
core = Core()
model = core.read_model(xml)
# f32 on both sides: the CPU plugin may otherwise pick bf16 on CPUs that have it.
compiled = core.compile_model(model, 'CPU', {'INFERENCE_PRECISION_HINT': 'f32'})
output = compiled.output(0)
inputs = np.load(inputs_path)
outputs = np.stack([compiled([x])[output] for x in inputs])
np.save(out_path, outputs)
print(f'{get_version()}: {xml} {list(model.input(0).shape)} -> {list(outputs.shape)}')
