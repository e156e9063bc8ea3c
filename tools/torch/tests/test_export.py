"""A tiny random model exported and read back independently of the package's reader; the integer reference
against the fake-quant training graph."""
import json
import os
import struct
import tempfile
import unittest

import numpy as np
import torch
import torch.nn.functional as F

import _path  # noqa: F401
from trit4j_torch import export, safetensors
from trit4j_torch.model import ResNet
from trit4j_torch.reference import ReferenceNet

WIDTHS = (4, 8)


def tiny(mode, seed=0):
    """A 2-block ResNet (one identity shortcut, one downsample) after a few training steps on random images, so
    quantizers are initialised and BN statistics are not the defaults; then random BN affine parameters."""
    torch.manual_seed(seed)
    m = ResNet(mode, WIDTHS)
    opt = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9)
    m.train()
    for _ in range(3):
        x, y = torch.rand(16, 1, 28, 28), torch.randint(0, 10, (16,))
        loss = F.cross_entropy(m(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        for mod in m.modules():
            if isinstance(mod, torch.nn.BatchNorm2d):
                mod.weight.uniform_(0.5, 1.5)
                mod.bias.uniform_(-0.2, 0.2)
    m.eval()
    return m


def read_raw(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    return n, json.loads(data[8:8 + n]), data[8 + n:]


def expected_names(mode):
    conv = (lambda n: [f"{n}.weight"]) if mode == "float" else (
        lambda n: [f"{n}.weight_codes", f"{n}.weight_scale"]
        + ([f"{n}.act_alpha", f"{n}.act_scale"] if mode == "fatnn" else [f"{n}.act_clip"]))
    bn = lambda n: [f"{n}.{s}" for s in ("weight", "bias", "running_mean", "running_var")]  # noqa: E731
    names = ["stem.weight"] + bn("stem.bn")
    for n, down in (("layer1.0", False), ("layer2.0", True)):
        names += conv(f"{n}.conv1") + bn(f"{n}.bn1") + conv(f"{n}.conv2") + bn(f"{n}.bn2")
        if down:
            names += conv(f"{n}.downsample") + bn(f"{n}.downsample_bn")
    return set(names + ["fc.weight", "fc.bias"])


class ExportReadBack(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.dir.cleanup()

    def check_file(self, mode):
        m = tiny(mode)
        path = os.path.join(self.dir.name, "m.safetensors")
        training_info = {"epochs": 1, "seed": 0}
        export.write(path, m, accuracy=0.5, training=training_info)
        n, header, body = read_raw(path)
        self.assertEqual(os.path.getsize(path), 8 + n + len(body))
        meta = header.pop("__metadata__")
        self.assertEqual(set(header), expected_names(mode))
        # offsets: contiguous, non-overlapping, covering the whole data region
        spans = sorted(tuple(v["data_offsets"]) for v in header.values())
        self.assertEqual(spans[0][0], 0)
        self.assertEqual(spans[-1][1], len(body))
        for (_, e0), (b1, _) in zip(spans, spans[1:]):
            self.assertEqual(e0, b1)
        want = export.tensors(m)
        for name, info in header.items():
            dt = {"F32": "<f4", "I8": "i1"}[info["dtype"]]
            b, e = info["data_offsets"]
            self.assertEqual(e - b, int(np.prod(info["shape"])) * np.dtype(dt).itemsize, name)
            got = np.frombuffer(body[b:e], dt).reshape(info["shape"])
            np.testing.assert_array_equal(got, want[name], err_msg=name)
            if name.endswith("weight_codes"):
                self.assertEqual(info["dtype"], "I8")
                self.assertTrue(set(np.unique(got)) <= {-1, 0, 1}, name)
            else:
                self.assertEqual(info["dtype"], "F32", name)
            if name.endswith(("weight_scale", "act_alpha", "act_scale", "act_clip")):
                self.assertTrue(np.all(np.isfinite(got)) and np.all(got > 0), name)
            if name.endswith("running_var"):
                self.assertTrue(np.all(got >= 0), name)
        # metadata: all strings, the contract's keys
        self.assertTrue(all(isinstance(v, str) for v in meta.values()))
        self.assertEqual(meta["trit4j.format"], "1")
        self.assertEqual(meta["trit4j.pytorch_accuracy"], "0.5000")
        self.assertEqual(json.loads(meta["trit4j.training"]), training_info)
        arch = json.loads(meta["trit4j.architecture"])
        self.check_architecture(arch, mode, header)
        # the package's reader agrees with the raw read
        t2, meta2, _ = safetensors.read(path)
        self.assertEqual(meta2, meta)
        for name in want:
            np.testing.assert_array_equal(t2[name], want[name])
        return m, path

    def check_architecture(self, arch, mode, header):
        self.assertEqual(arch["input"], {"channels": 1, "height": 28, "width": 28})
        self.assertEqual(arch["classes"], 10)
        types = [L["type"] for L in arch["layers"]]
        self.assertEqual(types, ["normalize", "conv", "batchnorm", "relu", "basic_block", "basic_block",
                                 "global_avg_pool", "linear"])
        channels = arch["input"]["channels"]
        for L in arch["layers"]:
            if "in" in L:
                self.assertEqual(L["in"], channels, L)
                channels = L["out"]
            if L["type"] == "conv":
                self.assertEqual(header[L["name"] + ".weight"]["shape"], [L["out"], L["in"], L["kernel"],
                                                                            L["kernel"]])
            if L["type"] == "batchnorm":
                self.assertEqual(header[L["name"] + ".weight"]["shape"], [channels])
            if L["type"] == "basic_block":
                self.assertEqual(L["mode"], mode)
            if L["type"] == "linear":
                self.assertEqual(header["fc.weight"]["shape"], [L["out"], L["in"]])
                self.assertEqual(header["fc.bias"]["shape"], [L["out"]])
        self.assertEqual(channels, arch["classes"])

    def test_float_model(self):
        self.check_file("float")

    def test_fatnn_model(self):
        self.check_file("fatnn")

    def test_conventional_model(self):
        self.check_file("conventional")

    def test_header_is_8_byte_aligned(self):
        m = tiny("fatnn")
        path = os.path.join(self.dir.name, "a.safetensors")
        export.write(path, m)
        n, _, _ = read_raw(path)
        self.assertEqual(n % 8, 0)

    def test_unused_or_missing_tensor_is_refused_by_the_reference(self):
        m = tiny("fatnn")
        t = export.tensors(m)
        arch = m.architecture()
        ReferenceNet(t, arch)
        extra = dict(t, **{"layer1.0.conv1.act_alpah": np.ones(2, np.float32)})
        with self.assertRaisesRegex(ValueError, "act_alpah"):
            ReferenceNet(extra, arch)
        missing = dict(t)
        del missing["layer2.0.downsample.act_scale"]
        with self.assertRaisesRegex(ValueError, "layer2.0.downsample.act_scale"):
            ReferenceNet(missing, arch)


class IntegerReferenceAgreesWithFakeQuant(unittest.TestCase):
    def test_logits_and_labels(self):
        torch.manual_seed(7)
        x = torch.rand(64, 1, 28, 28)
        for mode in ("float", "fatnn", "conventional"):
            m = tiny(mode, seed=3)
            with tempfile.TemporaryDirectory() as d:
                path = os.path.join(d, "m.safetensors")
                export.write(path, m)
                ref = ReferenceNet.from_file(path)
                with torch.no_grad():
                    a, b = m(x), ref(x)
            scale = float(a.abs().max())
            # same arithmetic up to float32 rounding order (folded BN, integer sums scaled once)
            torch.testing.assert_close(b, a, rtol=0, atol=1e-4 * scale + 1e-6, msg=mode)
            agree = float((a.argmax(1) == b.argmax(1)).float().mean())
            self.assertGreaterEqual(agree, 0.95, mode)

    def test_reference_quantized_conv_is_an_exact_integer_sum(self):
        """One fatnn conv + BN by hand: codes, integer sum, acc * c + shift in the contract's order."""
        m = tiny("fatnn", seed=5)
        t = {k: torch.from_numpy(v) for k, v in export.tensors(m).items()}
        ref = ReferenceNet({k: v.numpy() for k, v in t.items()}, m.architecture())
        torch.manual_seed(1)
        h = torch.rand(2, 4, 28, 28) * 2
        n = "layer1.0.conv1"
        a0, a1 = t[f"{n}.act_alpha"]
        c1 = torch.tensor(1.0) / a0
        code = torch.round(torch.clamp(a0 * h, 0, 1)) + torch.round(torch.clamp(a1 * (h - c1), 0, 1))
        w = t[f"{n}.weight_codes"].to(torch.int64)
        acc = F.conv2d(code.to(torch.float64), w.to(torch.float64), None, 1, 1)  # exact in float64
        self.assertTrue(torch.equal(acc, acc.round()))
        g = t["layer1.0.bn1.weight"] / torch.sqrt(t["layer1.0.bn1.running_var"] + torch.tensor(1e-5))
        shift = t["layer1.0.bn1.bias"] - g * t["layer1.0.bn1.running_mean"]
        c = (g * t[f"{n}.weight_scale"]) * t[f"{n}.act_scale"]
        want = acc.to(torch.float32) * c.view(1, -1, 1, 1) + shift.view(1, -1, 1, 1)
        got = ref._conv_bn(h, n, "layer1.0.bn1", 1e-5, "fatnn", 4, 4, 3, 1, 1)
        self.assertTrue(torch.equal(got, want))


if __name__ == "__main__":
    unittest.main()
