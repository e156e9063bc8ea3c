"""The integer reference: a model file's network evaluated as trit4j evaluates it (docs/MODEL_FORMAT.md), from the
file's tensors and architecture alone. Quantized convs take activation codes and weight codes, compute the exact
integer sum (a float conv of integer-valued tensors: exact while |sum| < 2^24), then acc * c[o] + shift[o] with
c[o] = (g[o] * weight_scale[o]) * act_scale, g[o] = gamma[o] / sqrt(var[o] + eps), shift[o] = beta[o] - g[o]*mean[o],
every step a separate float32 operation in that order."""
import json

import numpy as np
import torch
import torch.nn.functional as F

from .quant import fatnn_act_code, uniform_act_code


class ReferenceNet:
    def __init__(self, tensors, architecture):
        if isinstance(architecture, str):
            architecture = json.loads(architecture)
        self.arch = architecture
        self.t = {k: torch.from_numpy(np.asarray(v)) for k, v in tensors.items()}
        self.used = set()
        self.layers = architecture["layers"]
        # a dry pass over zeros marks the tensors used and checks shapes chain
        self.forward(torch.zeros(1, architecture["input"]["channels"], architecture["input"]["height"],
                                 architecture["input"]["width"]))
        unused = sorted(set(self.t) - self.used)
        if unused:
            raise ValueError(f"tensors not used by the architecture: {unused}")

    @classmethod
    def from_file(cls, path):
        from . import safetensors
        tensors, meta, _ = safetensors.read(path)
        return cls(tensors, meta["trit4j.architecture"])

    def _get(self, name, shape, dtype=torch.float32):
        if name not in self.t:
            raise ValueError(f"missing tensor {name}")
        v = self.t[name]
        if tuple(v.shape) != tuple(shape) or v.dtype != dtype:
            raise ValueError(f"tensor {name}: {v.dtype}{list(v.shape)}, expected {dtype}{list(shape)}")
        self.used.add(name)
        return v

    def _bn_fold(self, name, eps, c):
        gamma = self._get(f"{name}.weight", [c])
        beta = self._get(f"{name}.bias", [c])
        mean = self._get(f"{name}.running_mean", [c])
        var = self._get(f"{name}.running_var", [c])
        eps32 = torch.tensor(eps, dtype=torch.float32)
        g = gamma / torch.sqrt(var + eps32)
        shift = beta - g * mean
        return g, shift

    def _conv_bn(self, x, name, bn_name, eps, mode, cin, cout, k, stride, padding):
        """conv `name` (mode) followed by batchnorm `bn_name`, folded as the contract says."""
        g, shift = self._bn_fold(bn_name, eps, cout)
        if mode == "float":
            w = self._get(f"{name}.weight", [cout, cin, k, k])
            z = F.conv2d(x, w, None, stride, padding)
            return z * g.view(1, -1, 1, 1) + shift.view(1, -1, 1, 1)
        codes = self._get(f"{name}.weight_codes", [cout, cin, k, k], torch.int8)
        wscale = self._get(f"{name}.weight_scale", [cout])
        if mode == "fatnn":
            alpha = self._get(f"{name}.act_alpha", [2])
            act_scale = self._get(f"{name}.act_scale", [1])
            xc = fatnn_act_code(x, alpha[0], alpha[1])
        elif mode == "conventional":
            clip = self._get(f"{name}.act_clip", [1])
            xc = uniform_act_code(x, clip)
            act_scale = clip / 2
        else:
            raise ValueError(f"conv {name}: mode {mode!r} not supported here")
        acc = F.conv2d(xc, codes.to(torch.float32), None, stride, padding)
        c = (g * wscale) * act_scale
        return acc * c.view(1, -1, 1, 1) + shift.view(1, -1, 1, 1)

    def forward(self, x):
        x = x.to(torch.float32)
        i = 0
        while i < len(self.layers):
            L = self.layers[i]
            t = L["type"]
            if t == "normalize":
                mean = torch.tensor(L["mean"], dtype=torch.float32).view(1, -1, 1, 1)
                std = torch.tensor(L["std"], dtype=torch.float32).view(1, -1, 1, 1)
                x = (x - mean) / std
            elif t == "conv":
                if L.get("bias", False):
                    raise ValueError("conv with bias: not produced by this exporter")
                nxt = self.layers[i + 1] if i + 1 < len(self.layers) else {}
                if nxt.get("type") != "batchnorm":
                    raise ValueError(f"conv {L['name']}: not followed by batchnorm (not produced by this exporter)")
                if x.shape[1] != L["in"]:
                    raise ValueError(f"conv {L['name']}: in {L['in']} but {x.shape[1]} channels arrive")
                x = self._conv_bn(x, L["name"], nxt["name"], nxt["eps"], L["mode"], L["in"], L["out"], L["kernel"],
                                  L["stride"], L["padding"])
                i += 1
            elif t == "relu":
                x = torch.clamp_min(x, 0.0)
            elif t == "basic_block":
                n, q, s, cin, cout = L["name"], L["mode"], L["stride"], L["in"], L["out"]
                if x.shape[1] != cin:
                    raise ValueError(f"block {n}: in {cin} but {x.shape[1]} channels arrive")
                eps = 1e-5
                h = torch.clamp_min(self._conv_bn(x, f"{n}.conv1", f"{n}.bn1", eps, q, cin, cout, 3, s, 1), 0.0)
                h = self._conv_bn(h, f"{n}.conv2", f"{n}.bn2", eps, q, cout, cout, 3, 1, 1)
                if s == 1 and cin == cout:
                    sc = x
                else:
                    sc = self._conv_bn(x, f"{n}.downsample", f"{n}.downsample_bn", eps, q, cin, cout, 1, s, 0)
                x = torch.clamp_min(h + sc, 0.0)
            elif t == "global_avg_pool":
                x = x.mean(dim=(2, 3))
            elif t == "linear":
                w = self._get(f"{L['name']}.weight", [L["out"], L["in"]])
                b = self._get(f"{L['name']}.bias", [L["out"]]) if L.get("bias", False) else None
                if x.shape[1] != L["in"]:
                    raise ValueError(f"linear {L['name']}: in {L['in']} but {x.shape[1]} features arrive")
                x = F.linear(x, w, b)
            else:
                raise ValueError(f"layer type {t!r} not supported here")
            i += 1
        return x

    __call__ = forward
