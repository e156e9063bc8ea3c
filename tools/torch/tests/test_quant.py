"""The quantizers' codes against a literal re-statement of docs/MODEL_FORMAT.md's formulas (numpy float32 scalars,
Python's round-half-to-even), STE gradients, TWN thresholds."""
import math
import unittest

import numpy as np
import torch

import _path  # noqa: F401
from trit4j_torch.quant import (FatnnActQuant, FatnnWeightQuant, TwnWeightQuant, UniformActQuant, fatnn_act_code,
                                twn_quantize, uniform_act_code)

f32 = np.float32


def R(v):
    """round half to even, as Math.rint"""
    return f32(np.rint(v))


def clip(v, lo, hi):
    return min(max(v, f32(lo)), f32(hi))


@np.errstate(over="ignore", invalid="ignore")
def contract_fatnn(x, a0, a1):
    x, a0, a1 = f32(x), f32(a0), f32(a1)
    c1 = f32(1) / a0
    return R(clip(a0 * x, 0, 1)) + R(clip(a1 * (x - c1), 0, 1))


@np.errstate(over="ignore", invalid="ignore")
def contract_uniform(x, c):
    x, c = f32(x), f32(c)
    s = f32(2) / c
    return R(min(max(x * s, f32(0)), f32(2)))


def interesting_inputs(a0, a1):
    """values at, just below and above each threshold, +-inf, zeros, and random ones"""
    a0, a1 = f32(a0), f32(a1)
    c1 = f32(1) / a0
    xs = [0.0, -0.0, math.inf, -math.inf, -1.0, 1e-30, 3.4e38, -3.4e38]
    for t in (f32(0.5) / a0, c1 + f32(0.5) / a1, c1, c1 + f32(1) / a1):
        for k in range(-3, 4):
            v = t
            for _ in range(abs(k)):
                v = np.nextafter(v, f32(np.inf if k > 0 else -np.inf), dtype=np.float32)
            xs.append(float(v))
    rng = np.random.default_rng(1)
    xs += list(rng.uniform(-1, 3 * float(c1) + 3 / float(a1), 300).astype(np.float32))
    return np.array(xs, dtype=np.float32)


class ActivationCodes(unittest.TestCase):
    ALPHAS = [(2.0, 2.0), (4.0, 0.5), (1.7, 0.9), (0.3, 3.3), (1.0 / 3, 7.25), (123.4, 0.01)]

    def test_fatnn_codes_equal_the_contract(self):
        for a0, a1 in self.ALPHAS:
            xs = interesting_inputs(a0, a1)
            got = fatnn_act_code(torch.from_numpy(xs), torch.tensor(a0), torch.tensor(a1)).numpy()
            want = np.array([contract_fatnn(x, a0, a1) for x in xs], dtype=np.float32)
            np.testing.assert_array_equal(got, want, err_msg=f"alphas {a0}, {a1}")
            self.assertTrue(set(np.unique(got)) <= {0.0, 1.0, 2.0})

    def test_fatnn_module_uses_the_same_codes(self):
        q = FatnnActQuant()
        with torch.no_grad():
            q.raw_alpha.copy_(torch.tensor([1.7, 0.9]))
            q.raw_scale.fill_(0.75)
        q.initialized.fill_(True)
        xs = torch.from_numpy(interesting_inputs(1.7, 0.9))
        want = np.array([contract_fatnn(x, 1.7, 0.9) for x in xs.numpy()], dtype=np.float32)
        np.testing.assert_array_equal(q.code(xs).detach().numpy(), want)
        q.train()
        np.testing.assert_array_equal(q(xs).detach().numpy(), f32(0.75) * want)

    def test_ties_round_to_even(self):
        # a0*x exactly 0.5: R(0.5) = 0, so the first term is 0; exactly 1.5 never occurs after clip to [0,1]
        a0, a1 = torch.tensor(4.0), torch.tensor(2.0)
        x = torch.tensor([0.125, 0.125 + 2 ** -20, 0.25 + 0.25, 0.25 + 0.25 + 2 ** -20])
        # c1 = 0.25; a1*(x - c1) = 0.5 at x = 0.5
        self.assertEqual(fatnn_act_code(x, a0, a1).tolist(), [0.0, 1.0, 1.0, 2.0])
        # a general alpha: find x with a0*x == 0.5 exactly in float32
        a0 = f32(1.3)
        x = f32(0.5) / a0
        while a0 * x > f32(0.5):
            x = np.nextafter(x, f32(0), dtype=np.float32)
        while a0 * x < f32(0.5):
            x = np.nextafter(x, f32(1), dtype=np.float32)
        if a0 * x == f32(0.5):
            self.assertEqual(float(fatnn_act_code(torch.tensor([x]), torch.tensor(a0), torch.tensor(1.0))[0]), 0.0)

    def test_infinities(self):
        x = torch.tensor([math.inf, -math.inf])
        self.assertEqual(fatnn_act_code(x, torch.tensor(1.5), torch.tensor(0.7)).tolist(), [2.0, 0.0])
        self.assertEqual(uniform_act_code(x, torch.tensor([1.5])).tolist(), [2.0, 0.0])

    def test_uniform_codes_equal_the_contract(self):
        for c in (1.0, 2.0, 0.37, 5.5, 1e-3):
            s = f32(2) / f32(c)
            xs = interesting_inputs(float(s), float(s))
            xs = np.concatenate([xs, np.array([f32(0.5) / s, f32(1.5) / s, f32(0.5) * f32(c)], dtype=np.float32)])
            got = uniform_act_code(torch.from_numpy(xs), torch.tensor([c])).numpy()
            want = np.array([contract_uniform(x, c) for x in xs], dtype=np.float32)
            np.testing.assert_array_equal(got, want, err_msg=f"clip {c}")
        # ties: x*s exactly 0.5 -> 0, exactly 1.5 -> 2
        self.assertEqual(uniform_act_code(torch.tensor([0.25, 0.75]), torch.tensor([1.0])).tolist(), [0.0, 2.0])

    def test_uniform_module_value_is_half_clip_times_code(self):
        q = UniformActQuant()
        with torch.no_grad():
            q.raw_clip.fill_(1.5)
        q.initialized.fill_(True)
        x = torch.linspace(-1, 3, 101)
        np.testing.assert_array_equal(q(x).detach().numpy(), (f32(0.75) * q.code(x)).detach().numpy())


class Gradients(unittest.TestCase):
    def test_fatnn_activation_ste_gradients_flow(self):
        torch.manual_seed(0)
        q = FatnnActQuant()
        x = (torch.rand(2, 3, 8, 8) * 3).requires_grad_()
        q.train()
        q(x).sum().backward()
        self.assertTrue(bool(q.initialized))
        self.assertGreater(float(x.grad.abs().sum()), 0)
        self.assertTrue(bool((q.raw_alpha.grad != 0).all()), q.raw_alpha.grad)
        self.assertNotEqual(float(q.raw_scale.grad), 0)

    def test_fatnn_activation_gradients_equal_autograd_of_the_formula(self):
        from trit4j_torch.quant import round_ste
        torch.manual_seed(2)
        q = FatnnActQuant()
        with torch.no_grad():
            q.raw_alpha.copy_(torch.tensor([1.3, 0.8]))
            q.raw_scale.fill_(0.6)
        q.initialized.fill_(True)
        x0 = torch.rand(3, 4, 5, 5) * 4 - 0.5
        g = torch.randn_like(x0)
        x1 = x0.clone().requires_grad_()
        q(x1).backward(g)
        fused = [x1.grad.clone(), q.raw_alpha.grad.clone(), q.raw_scale.grad.clone()]
        q.zero_grad()
        x2 = x0.clone().requires_grad_()
        (q.scale() * q.code(x2, round_ste)).backward(g)
        for a, b in zip(fused, [x2.grad, q.raw_alpha.grad, q.raw_scale.grad]):
            torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-5)

    def test_uniform_activation_gradients_equal_autograd_of_the_formula(self):
        from trit4j_torch.quant import round_ste
        q = UniformActQuant()
        with torch.no_grad():
            q.raw_clip.fill_(1.7)
        q.initialized.fill_(True)
        x0 = torch.rand(3, 4, 5, 5) * 3 - 0.5
        g = torch.randn_like(x0)
        x1 = x0.clone().requires_grad_()
        q(x1).backward(g)
        fused = [x1.grad.clone(), q.raw_clip.grad.clone()]
        q.zero_grad()
        x2 = x0.clone().requires_grad_()
        c = q.clip()
        ((c / 2) * q.code(x2, round_ste)).backward(g)
        for a, b in zip(fused, [x2.grad, q.raw_clip.grad]):
            torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-5)
        self.assertNotEqual(float(q.raw_clip.grad), 0)

    def test_weight_quantizers_pass_gradients(self):
        torch.manual_seed(1)
        for quant in (FatnnWeightQuant(), TwnWeightQuant()):
            w = torch.randn(4, 3, 3, 3, requires_grad=True)
            quant.train()
            (quant(w) * torch.randn(4, 3, 3, 3)).sum().backward()
            self.assertGreater(float(w.grad.abs().sum()), 0, type(quant).__name__)
            if isinstance(quant, FatnnWeightQuant):
                self.assertTrue(bool((quant.raw_alpha.grad != 0).all()))


class WeightCodes(unittest.TestCase):
    def test_fatnn_weight_codes_two_thresholds(self):
        q = FatnnWeightQuant(normalize=False)
        with torch.no_grad():
            q.raw_alpha.copy_(torch.tensor([2.0, 1.0]))  # -1 below -0.25, +1 above 0.5
        q.initialized.fill_(True)
        w = torch.tensor([[-1.0, -0.25, -0.2500001, -0.2, 0.0, 0.5, 0.5000001, 3.0]])
        codes, scale = q.quantize(w)
        self.assertEqual(codes.tolist(), [[-1.0, 0.0, -1.0, 0.0, 0.0, 0.0, 1.0, 1.0]])
        # least squares: sum(w*q)/sum|q| over the nonzero codes
        want = (1.0 + 0.2500001 + 0.5000001 + 3.0) / 4
        self.assertAlmostEqual(float(scale[0]), want, places=6)
        # the training forward gives scale * codes
        q.train()
        np.testing.assert_allclose(q(w).detach().numpy(), (scale.view(-1, 1) * codes).numpy())

    def test_fatnn_weight_normalization_is_per_output_channel(self):
        torch.manual_seed(3)
        w = torch.randn(5, 4, 3, 3)
        w2 = w * torch.tensor([1.0, 10.0, 0.1, 3.0, 0.5]).view(-1, 1, 1, 1) + 0.01
        q = FatnnWeightQuant()
        q.init_from(w)
        # standardisation makes the codes independent of each channel's scale and small offsets
        c1, _ = q.quantize(w)
        ref = q.standardized(w2)
        self.assertTrue(torch.allclose(ref.reshape(5, -1).std(1, unbiased=False), torch.ones(5), atol=1e-4))
        self.assertTrue(set(c1.unique().tolist()) <= {-1.0, 0.0, 1.0})

    def test_twn_threshold_and_scale(self):
        w = torch.tensor([[0.1, -0.2, 0.9, -1.2, 0.05, 0.3],
                          [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]])
        q, s = twn_quantize(w)
        d = 0.7 * (0.1 + 0.2 + 0.9 + 1.2 + 0.05 + 0.3) / 6  # 0.3208
        keep = [abs(v) > d for v in w[0].tolist()]
        self.assertEqual(q[0].tolist(), [(math.copysign(1, v) if k else 0.0) for v, k in zip(w[0].tolist(), keep)])
        self.assertEqual(q[0].tolist(), [0.0, 0.0, 1.0, -1.0, 0.0, 0.0])
        self.assertAlmostEqual(float(s[0]), (0.9 + 1.2) / 2, places=6)
        self.assertEqual(q[1].tolist(), [0.0] * 6)
        self.assertGreater(float(s[1]), 0)  # never zero: the file requires scales > 0

    def test_twn_per_output_channel_of_conv_weights(self):
        torch.manual_seed(4)
        w = torch.randn(3, 2, 3, 3)
        q, s = twn_quantize(w)
        for o in range(3):
            wo = w[o].flatten()
            d = 0.7 * wo.abs().mean()
            np.testing.assert_array_equal(q[o].flatten().numpy(), (torch.sign(wo) * (wo.abs() > d)).numpy())
            self.assertAlmostEqual(float(s[o]), float(wo.abs()[wo.abs() > d].mean()), places=5)


if __name__ == "__main__":
    unittest.main()
