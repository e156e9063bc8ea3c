"""resnet_anchor.py: the steady-state rule against trit4j's SteadyStateTest cases, the network's architecture against
ResNets.resnet18 (parameters, multiply-accumulates as StudyWorkload.resnet18Macs counts them), the engine choice,
a short real run (small input) and the exit code without torch."""
import contextlib
import io
import json
import math
import os
import subprocess
import sys
import tempfile
import unittest

import torch

import _path  # noqa: F401
import resnet_anchor as ra

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resnet_anchor.py")


class SteadyStateTest(unittest.TestCase):
    """The same series and expectations as bench/src/test/java/io/github/trit4j/bench/SteadyStateTest.java."""

    def test_warm_up_ends_at_the_first_three_that_agree_within_five_percent(self):
        warm, measured, settled, mean, error = ra.steady_state([900, 400, 120, 101, 100, 104, 103])
        self.assertTrue(settled)
        self.assertEqual(3, warm)
        self.assertEqual(4, measured)
        self.assertAlmostEqual((101 + 100 + 104 + 103) / 4.0, mean)
        # JMH's 99.9% half-width: t(0.9995, 3 df) * sample sd / sqrt(4)
        sd = math.sqrt(sum((x - mean) ** 2 for x in (101, 100, 104, 103)) / 3)
        self.assertAlmostEqual(12.924 * sd / 2, error)

    def test_a_later_change_of_speed_stays_in_the_figure(self):
        warm, _, _, mean, _ = ra.steady_state([100, 100, 100, 140, 140])
        self.assertEqual(0, warm)
        self.assertAlmostEqual(116, mean)

    def test_never_settled_uses_the_last_three(self):
        warm, measured, settled, mean, _ = ra.steady_state([100, 200, 100, 200, 100])
        self.assertFalse(settled)
        self.assertEqual((2, 3), (warm, measured))
        self.assertAlmostEqual(400 / 3.0, mean)

    def test_one_iteration_has_no_error(self):
        self.assertTrue(math.isnan(ra.steady_state([5])[4]))
        with self.assertRaises(ValueError):
            ra.steady_state([])


class ModelTest(unittest.TestCase):

    def test_architecture_is_trit4j_resnet18(self):
        model = ra.build_model(torch)
        # torchvision's resnet18 count (no torchvision in Debian): convs, BatchNorm affine, fc with bias
        self.assertEqual(11689512, sum(p.numel() for p in model.parameters()))
        macs = []

        def count(m, inputs, out):
            if isinstance(m, torch.nn.Conv2d):
                macs.append(out.numel() * m.in_channels * m.kernel_size[0] * m.kernel_size[1])
            elif isinstance(m, torch.nn.Linear):
                macs.append(out.numel() * m.in_features)
        for m in model.modules():
            m.register_forward_hook(count)
        with torch.no_grad():
            out = model(torch.rand(1, 3, 224, 224))
        self.assertEqual((1, 1000), tuple(out.shape))
        self.assertEqual(java_resnet18_macs(), sum(macs))

    def test_engine_choice(self):
        self.assertEqual("onednn", ra.pick_engine(["qnnpack", "onednn"]))
        self.assertEqual("x86", ra.pick_engine(["qnnpack", "onednn", "fbgemm", "x86"]))
        self.assertEqual("qnnpack", ra.pick_engine(["qnnpack", "onednn"], "qnnpack"))
        with self.assertRaises(ValueError):
            ra.pick_engine(["qnnpack"], "onednn")
        with self.assertRaises(ValueError):
            ra.pick_engine([])


def java_resnet18_macs():
    """StudyWorkload.resnet18Macs, restated."""
    macs = 64 * 112 * 112 * 3 * 7 * 7
    cin, hw = 64, 56
    for stage, cout in enumerate((64, 128, 256, 512)):
        stride = 1 if stage == 0 else 2
        hw //= stride
        macs += cout * hw * hw * cin * 9 + 3 * cout * hw * hw * cout * 9
        if stride != 1 or cin != cout:
            macs += cout * hw * hw * cin
        cin = cout
    return macs + 512 * 1000


class RunTest(unittest.TestCase):

    def test_a_short_run_writes_every_configuration(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "a.json")
            with contextlib.redirect_stdout(io.StringIO()) as progress:
                status = ra.main(["--batches", "1,2", "--threads", "1", "--iterations", "3",
                                  "--iteration-ms", "1", "--size", "32", "--calibration-batches", "1",
                                  "--json", path])
            self.assertEqual(0, status)
            self.assertEqual(4, len(progress.getvalue().splitlines()))
            with open(path) as f:
                doc = json.load(f)
        self.assertIn(doc["engine"], doc["supported_engines"])
        rows = [(r["mode"], r["batch"], r["threads"]) for r in doc["results"]]
        self.assertEqual([("int8", 1, 1), ("int8", 2, 1), ("fp32", 1, 1), ("fp32", 2, 1)], rows)
        for r in doc["results"]:
            self.assertEqual(3, len(r["iterations_ms"]))
            self.assertTrue(all(t > 0 for t in r["iterations_ms"]))
            warm, measured, settled, mean, _ = ra.steady_state(r["iterations_ms"])
            self.assertEqual((warm, measured, settled), (r["warmup_iterations"], r["measured_iterations"],
                                                         r["settled"]))
            self.assertAlmostEqual(mean, r["ms_per_batch"])
            self.assertAlmostEqual(r["batch"] * 1000.0 / mean, r["images_per_s"])

    def test_int8_and_fp32_agree_roughly(self):
        """The quantized network computes the same function as the float one (top logits close), so the int8 anchor
        is a real quantized ResNet-18, not a broken graph that happens to run fast."""
        model = ra.build_model(torch)
        x = torch.rand(2, 3, 64, 64, generator=torch.Generator().manual_seed(3))
        engine = ra.pick_engine(torch.backends.quantized.supported_engines)
        q = ra.int8_model(torch, model, x, engine, 4)
        f = ra.fp32_model(torch, model, x)
        with torch.no_grad():
            ref, qo, fo = model(x), q(x), f(x)
        self.assertLess((fo - ref).abs().max().item(), 1e-3 * ref.abs().max().item() + 1e-4)
        rel = (qo - ref).norm() / ref.norm()
        self.assertLess(rel.item(), 0.2)

    def test_without_torch_the_exit_code_says_so(self):
        # -S: no site packages, so Debian's torch is not importable
        p = subprocess.run([sys.executable, "-S", SCRIPT, "--batches", "1"], capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(ra.TORCH_MISSING, p.returncode, p.stderr)
        self.assertIn("torch cannot be imported", p.stderr)

    def test_bad_arguments(self):
        for bad in (["--batches", "0"], ["--modes", "int4"], ["--iterations", "40"], ["--size", "8"]):
            with self.assertRaises(SystemExit) as e, contextlib.redirect_stderr(io.StringIO()):
                ra.arguments(bad)
            self.assertEqual(2, e.exception.code)


if __name__ == "__main__":
    unittest.main()
