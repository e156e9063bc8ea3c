"""Quantizers as torch.nn modules, with straight-through rounding.

The code formulas (fatnn_act_code, uniform_act_code) are the float32 expressions of docs/MODEL_FORMAT.md, shared by
the training graph (with round_ste) and the integer reference (with torch.round), so the two cannot drift apart.
"""
import torch
from torch import nn


class _RoundSte(torch.autograd.Function):
    """Round half to even forward (torch.round, as Math.rint), identity gradient backward."""

    @staticmethod
    def forward(ctx, x):
        return torch.round(x)

    @staticmethod
    def backward(ctx, grad):
        return grad


class _PassThrough(torch.autograd.Function):
    """Returns `value` forward and hands the whole gradient to `source` backward (TWN's straight-through weights)."""

    @staticmethod
    def forward(ctx, source, value):
        return value

    @staticmethod
    def backward(ctx, grad):
        return grad, None


def round_ste(x):
    return _RoundSte.apply(x)


def fatnn_act_code(x, a0, a1, rnd=torch.round):
    """FATNN activation code in {0,1,2}: R(clip(a0*x,0,1)) + R(clip(a1*(x - c1),0,1)), c1 = 1/a0, all float32."""
    c1 = torch.div(torch.ones_like(a0), a0)
    return rnd(torch.clamp(a0 * x, 0.0, 1.0)) + rnd(torch.clamp(a1 * (x - c1), 0.0, 1.0))


def uniform_act_code(x, clip, rnd=torch.round):
    """Uniform activation code in {0,1,2} with clip c: s = 2/c, R(min(max(x*s, 0), 2)), all float32."""
    s = torch.div(torch.full_like(clip, 2.0), clip)
    return rnd(torch.clamp(x * s, 0.0, 2.0))


def fatnn_weight_code(w, a0, a1, rnd=torch.round):
    """FATNN weight code in {-1,0,1} with two thresholds: R(clip(a0*w,-1,0)) + R(clip(a1*w,0,1))."""
    return rnd(torch.clamp(a0 * w, -1.0, 0.0)) + rnd(torch.clamp(a1 * w, 0.0, 1.0))


class _FatnnActSte(torch.autograd.Function):
    """act_scale * fatnn_act_code(x, a0, a1) forward; backward the gradients autograd would give the same
    expression with straight-through rounding (clip's gradient 1 inside its range, 0 outside), in fewer passes
    over the activations than autograd takes (the quantizers dominated the training step)."""

    @staticmethod
    def forward(ctx, x, a0, a1, scale):
        code = fatnn_act_code(x, a0, a1)
        ctx.save_for_backward(x, a0, a1, scale, code)
        return scale * code

    @staticmethod
    def backward(ctx, g):
        x, a0, a1, scale, code = ctx.saved_tensors
        c1 = torch.div(torch.ones_like(a0), a0)
        t1 = a0 * x
        m1 = ((t1 >= 0) & (t1 <= 1)).to(x.dtype)
        xm = x - c1
        t2 = a1 * xm
        m2 = ((t2 >= 0) & (t2 <= 1)).to(x.dtype)
        gs = g * scale
        gx = gs * (a0 * m1 + a1 * m2)
        gm2 = gs * m2
        ga0 = (gs * m1 * x).sum() + (gm2.sum() * a1) * (c1 * c1)
        ga1 = (gm2 * xm).sum()
        gscale = (g * code).sum().reshape(scale.shape)
        return gx, ga0.reshape(a0.shape), ga1.reshape(a1.shape), gscale


class _UniformActSte(torch.autograd.Function):
    """(clip/2) * uniform_act_code(x, clip) forward; backward what autograd gives that expression with
    straight-through rounding (PACT's clip gradient), in fewer passes."""

    @staticmethod
    def forward(ctx, x, clip):
        code = uniform_act_code(x, clip)
        ctx.save_for_backward(x, clip, code)
        return (clip / 2) * code

    @staticmethod
    def backward(ctx, g):
        x, clip, code = ctx.saved_tensors
        s = torch.div(torch.full_like(clip, 2.0), clip)
        t = x * s
        m = ((t >= 0) & (t <= 2)).to(x.dtype)
        gx = g * m * ((clip / 2) * s)
        gclip = (g * (code * 0.5 - m * x / clip)).sum().reshape(clip.shape)
        return gx, gclip


def _best_uniform_step(x, levels=2):
    """The step s minimising the mean squared error of s*clip(R(x/s), 0, levels) on a sample of x (x >= 0 mostly)."""
    x = x.detach().flatten().float()
    if x.numel() > 1 << 16:
        x = x[torch.randint(x.numel(), (1 << 16,), generator=torch.Generator().manual_seed(0))]
    top = float(x.max())
    if not top > 0:
        return 1.0
    best, best_s = None, top / levels
    for f in torch.linspace(0.02, 1.0, 99):
        s = top * float(f) / levels
        err = float(((x - s * torch.clamp(torch.round(x / s), 0, levels)) ** 2).mean())
        if best is None or err < best:
            best, best_s = err, s
    return best_s


_MIN_POSITIVE = 1e-4


class FatnnActQuant(nn.Module):
    """FATNN activation quantizer to {0,1,2}: learned alphas a0, a1 > 0 and scale act_scale > 0; returns
    act_scale * code. Positivity: the modules hold raw parameters and use |raw| clamped to >= 1e-4; the exported
    alphas are those effective values. Initialised from the first training batch as the MSE-best uniform quantizer
    (a0 = a1 = 1/s, act_scale = s), so it starts where the conventional quantizer starts and learns the two
    thresholds and the scale apart."""

    def __init__(self):
        super().__init__()
        self.raw_alpha = nn.Parameter(torch.ones(2))
        self.raw_scale = nn.Parameter(torch.ones(1))
        self.register_buffer("initialized", torch.zeros((), dtype=torch.bool))

    def alphas(self):
        a = self.raw_alpha.abs().clamp_min(_MIN_POSITIVE)
        return a[0], a[1]

    def scale(self):
        return self.raw_scale.abs().clamp_min(_MIN_POSITIVE)

    def init_from(self, x):
        s = _best_uniform_step(x)
        with torch.no_grad():
            self.raw_alpha.fill_(1.0 / s)
            self.raw_scale.fill_(s)
            self.initialized.fill_(True)

    def code(self, x, rnd=torch.round):
        a0, a1 = self.alphas()
        return fatnn_act_code(x, a0, a1, rnd)

    def forward(self, x):
        if self.training and not bool(self.initialized):
            self.init_from(x)
        a0, a1 = self.alphas()
        return _FatnnActSte.apply(x, a0, a1, self.scale())


class UniformActQuant(nn.Module):
    """Conventional (PACT-style) activation quantizer to {0,1,2}: learned clip c > 0, value (c/2) * code. The clip
    gets PACT's gradient through autograd (code rounding is straight-through). Initialised from the first training
    batch as the MSE-best uniform quantizer (c = 2s)."""

    def __init__(self):
        super().__init__()
        self.raw_clip = nn.Parameter(torch.ones(1))
        self.register_buffer("initialized", torch.zeros((), dtype=torch.bool))

    def clip(self):
        return self.raw_clip.abs().clamp_min(_MIN_POSITIVE)

    def init_from(self, x):
        s = _best_uniform_step(x)
        with torch.no_grad():
            self.raw_clip.fill_(2.0 * s)
            self.initialized.fill_(True)

    def code(self, x, rnd=torch.round):
        return uniform_act_code(x, self.clip(), rnd)

    def forward(self, x):
        if self.training and not bool(self.initialized):
            self.init_from(x)
        return _UniformActSte.apply(x, self.clip())


def _per_channel(w):
    return w.reshape(w.shape[0], -1)


def least_squares_scale(w, q):
    """Per-output-channel scale s[o] = sum(w*q)/sum(|q|), the least-squares fit of w by s*q for fixed codes q
    (gradient flows to w, not through q). A channel with no nonzero code gets mean|w| (its value is unused)."""
    w2, q2 = _per_channel(w), _per_channel(q).detach()
    nz = q2.abs().sum(1)
    s = (w2 * q2).sum(1) / nz.clamp_min(1.0)
    fallback = w2.abs().mean(1)
    s = torch.where(nz > 0, s, fallback)
    return s.clamp_min(1e-8)


class FatnnWeightQuant(nn.Module):
    """FATNN weight quantizer to {-1,0,1}: two learned thresholds (alphas a0, a1 > 0, one pair per layer) on the
    per-output-channel standardised weights w' = (w - mean_o)/std_o: code = R(clip(a0*w',-1,0)) + R(clip(a1*w',0,1)),
    so code -1 when w' < -0.5/a0 and +1 when w' > 0.5/a1. Value: s[o]*code with s the least-squares scale
    (least_squares_scale). Alphas initialised from the weights at the first forward to TWN's threshold
    0.7*mean|w'| on both sides."""

    def __init__(self, normalize=True):
        super().__init__()
        self.normalize = normalize
        self.raw_alpha = nn.Parameter(torch.ones(2))
        self.register_buffer("initialized", torch.zeros((), dtype=torch.bool))

    def alphas(self):
        a = self.raw_alpha.abs().clamp_min(_MIN_POSITIVE)
        return a[0], a[1]

    def standardized(self, w):
        if not self.normalize:
            return w
        w2 = _per_channel(w)
        mean = w2.mean(1, keepdim=True)
        std = w2.std(1, unbiased=False, keepdim=True).clamp_min(1e-8)
        return ((w2 - mean) / std).reshape(w.shape)

    def init_from(self, w):
        t = 0.7 * float(self.standardized(w.detach()).abs().mean())
        with torch.no_grad():
            self.raw_alpha.fill_(0.5 / max(t, 1e-6))
            self.initialized.fill_(True)

    def code(self, w, rnd=torch.round):
        a0, a1 = self.alphas()
        return fatnn_weight_code(self.standardized(w), a0, a1, rnd)

    def quantize(self, w):
        """(codes, per-channel scale) as exported: exact codes, no gradient tricks."""
        with torch.no_grad():
            q = self.code(w)
            return q, least_squares_scale(w, q)

    def forward(self, w):
        if self.training and not bool(self.initialized):
            self.init_from(w)
        q = self.code(w, round_ste)
        s = least_squares_scale(w, q)
        return s.view(-1, *([1] * (w.dim() - 1))) * q


def twn_quantize(w):
    """TWN: per output channel, threshold d = 0.7*mean|w|, code sign(w) where |w| > d, scale = mean|w| over the
    kept weights (mean|w| of the channel if none is kept; its value is then unused)."""
    w2 = _per_channel(w)
    d = 0.7 * w2.abs().mean(1, keepdim=True)
    keep = w2.abs() > d
    q2 = torch.sign(w2) * keep
    n = keep.sum(1)
    s = torch.where(n > 0, (w2.abs() * keep).sum(1) / n.clamp_min(1), w2.abs().mean(1)).clamp_min(1e-8)
    return q2.reshape(w.shape), s


class TwnWeightQuant(nn.Module):
    """Conventional ternary weights (TWN), straight-through: the gradient of the quantized weight goes to w whole."""

    def quantize(self, w):
        with torch.no_grad():
            return twn_quantize(w)

    def forward(self, w):
        q, s = twn_quantize(w.detach())
        return _PassThrough.apply(w, s.view(-1, *([1] * (w.dim() - 1))) * q)
