"""The exporter's tensor names against the one schema the Java loader reads
(nn/src/main/resources/io/github/trit4j/nn/tensor-names.json)."""
import json
import os
import unittest

import _path  # noqa: F401
from trit4j_torch import export
from trit4j_torch.model import ResNet

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "nn", "src", "main", "resources",
                      "io", "github", "trit4j", "nn", "tensor-names.json")


def expected_names(arch, schema):
    """Every tensor name the architecture needs, derived from the schema alone."""
    names = set()

    def conv(name, mode, bias):
        for role in schema["conv_mode_roles"][mode]:
            names.add(f"{name}.{schema['conv'][role]}")
        if bias:
            names.add(f"{name}.{schema['conv'][schema['conv_bias_role']]}")

    def bn(name):
        for suffix in schema["batchnorm"].values():
            names.add(f"{name}.{suffix}")

    part = schema["basic_block"]
    for layer in arch["layers"]:
        t = layer["type"]
        if t == "conv":
            conv(layer["name"], layer["mode"], layer["bias"])
        elif t == "batchnorm":
            bn(layer["name"])
        elif t == "linear":
            names.add(f"{layer['name']}.{schema['linear']['weight']}")
            if layer["bias"]:
                names.add(f"{layer['name']}.{schema['linear']['bias']}")
        elif t == "basic_block":
            b, mode = layer["name"], layer["mode"]
            conv(f"{b}.{part['conv1']}", mode, False)
            bn(f"{b}.{part['bn1']}")
            conv(f"{b}.{part['conv2']}", mode, False)
            bn(f"{b}.{part['bn2']}")
            if layer["stride"] != 1 or layer["in"] != layer["out"]:
                conv(f"{b}.{part['downsample']}", mode, False)
                bn(f"{b}.{part['downsample_bn']}")
    return names


class TensorNamesTest(unittest.TestCase):
    def test_the_exporter_writes_exactly_the_schemas_names(self):
        with open(SCHEMA) as f:
            schema = json.load(f)
        for mode in ("float", "fatnn", "conventional"):
            m = ResNet(mode, (4, 8))
            m.eval()
            with self.subTest(mode=mode):
                self.assertEqual(expected_names(m.architecture(), schema), set(export.tensors(m)))


if __name__ == "__main__":
    unittest.main()
