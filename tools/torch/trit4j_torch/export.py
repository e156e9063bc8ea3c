"""From a trained ResNet to the tensors and metadata of a trit4j model file (docs/MODEL_FORMAT.md)."""
import json

import numpy as np
import torch

from . import safetensors


def _f32(t):
    return t.detach().cpu().to(torch.float32).numpy().copy()


def _bn(out, name, bn):
    out[f"{name}.weight"] = _f32(bn.weight)
    out[f"{name}.bias"] = _f32(bn.bias)
    out[f"{name}.running_mean"] = _f32(bn.running_mean)
    out[f"{name}.running_var"] = _f32(bn.running_var)


def _conv(out, name, conv):
    if conv.mode == "float":
        out[f"{name}.weight"] = _f32(conv.weight)
        return
    q, s = conv.weight_quant.quantize(conv.weight)
    out[f"{name}.weight_codes"] = q.detach().cpu().numpy().astype(np.int8)
    out[f"{name}.weight_scale"] = _f32(s)
    if conv.mode == "fatnn":
        a0, a1 = conv.act_quant.alphas()
        out[f"{name}.act_alpha"] = _f32(torch.stack([a0, a1]))
        out[f"{name}.act_scale"] = _f32(conv.act_quant.scale()).reshape(1)
    else:
        out[f"{name}.act_clip"] = _f32(conv.act_quant.clip()).reshape(1)


def tensors(model):
    """name -> numpy array, exactly the tensors the architecture uses."""
    out = {}
    _conv(out, "stem", model.stem)
    _bn(out, "stem.bn", model.stem_bn)
    for name, b in zip(model.block_names(), model.blocks):
        _conv(out, f"{name}.conv1", b.conv1)
        _bn(out, f"{name}.bn1", b.bn1)
        _conv(out, f"{name}.conv2", b.conv2)
        _bn(out, f"{name}.bn2", b.bn2)
        if b.downsample is not None:
            _conv(out, f"{name}.downsample", b.downsample)
            _bn(out, f"{name}.downsample_bn", b.downsample_bn)
    out["fc.weight"] = _f32(model.fc.weight)
    out["fc.bias"] = _f32(model.fc.bias)
    return out


def metadata(architecture, accuracy=None, training=None, labels=None):
    """The __metadata__ entries; `labels`, if given, is the class names in class order (trit4j.labels)."""
    m = {"trit4j.format": "1", "trit4j.architecture": json.dumps(architecture)}
    if labels is not None:
        if len(labels) != architecture["classes"]:
            raise ValueError(f"{len(labels)} labels for {architecture['classes']} classes")
        m["trit4j.labels"] = json.dumps(list(labels))
    if accuracy is not None:
        m["trit4j.pytorch_accuracy"] = f"{accuracy:.4f}"
    if training is not None:
        m["trit4j.training"] = json.dumps(training)
    return m


def write(path, model, accuracy=None, training=None, labels=None):
    safetensors.write(path, tensors(model), metadata(model.architecture(), accuracy, training, labels))
