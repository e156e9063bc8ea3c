"""The small ResNet for 28x28x1 (Fashion-MNIST) in three modes, and its architecture JSON (docs/MODEL_FORMAT.md)."""
import torch
import torch.nn.functional as F
from torch import nn

from .quant import FatnnActQuant, FatnnWeightQuant, TwnWeightQuant, UniformActQuant

MODES = ("float", "fatnn", "conventional")
# Fashion-MNIST training-set pixel statistics of pixel/255 (the network's input)
MEAN, STD = 0.2860, 0.3530


class QConv2d(nn.Module):
    """A bias-free conv that, in a quantized mode, quantizes its own input and weights (fake-quant training graph)."""

    def __init__(self, mode, cin, cout, kernel, stride, padding):
        super().__init__()
        if mode not in MODES:
            raise ValueError(f"mode {mode!r} not in {MODES}")
        self.mode, self.cin, self.cout = mode, cin, cout
        self.kernel, self.stride, self.padding = kernel, stride, padding
        self.weight = nn.Parameter(torch.empty(cout, cin, kernel, kernel))
        nn.init.kaiming_normal_(self.weight, mode="fan_out", nonlinearity="relu")
        if mode == "fatnn":
            self.act_quant, self.weight_quant = FatnnActQuant(), FatnnWeightQuant()
        elif mode == "conventional":
            self.act_quant, self.weight_quant = UniformActQuant(), TwnWeightQuant()

    def forward(self, x):
        if self.mode == "float":
            return F.conv2d(x, self.weight, None, self.stride, self.padding)
        return F.conv2d(self.act_quant(x), self.weight_quant(self.weight), None, self.stride, self.padding)


class BasicBlock(nn.Module):
    def __init__(self, mode, cin, cout, stride):
        super().__init__()
        self.cin, self.cout, self.stride, self.mode = cin, cout, stride, mode
        self.conv1 = QConv2d(mode, cin, cout, 3, stride, 1)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = QConv2d(mode, cout, cout, 3, 1, 1)
        self.bn2 = nn.BatchNorm2d(cout)
        if stride != 1 or cin != cout:
            self.downsample = QConv2d(mode, cin, cout, 1, stride, 0)
            self.downsample_bn = nn.BatchNorm2d(cout)
        else:
            self.downsample = None

    def forward(self, x):
        h = F.relu(self.bn1(self.conv1(x)))
        h = self.bn2(self.conv2(h))
        sc = x if self.downsample is None else self.downsample_bn(self.downsample(x))
        return F.relu(h + sc)


class ResNet(nn.Module):
    """normalize, float 3x3 stem + BN + ReLU, one basic block per stage (block convs in `mode`), global average
    pool, float linear. widths=(16, 32, 64) gives 'resnet8' (stem, 6 block convs, fc)."""

    def __init__(self, mode, widths=(16, 32, 64), classes=10, name=None):
        super().__init__()
        self.mode, self.widths, self.classes = mode, tuple(widths), classes
        self.name = name or f"fashion-resnet{2 + 2 * len(widths)}-{'fp32' if mode == 'float' else mode}"
        self.stem = QConv2d("float", 1, widths[0], 3, 1, 1)
        self.stem_bn = nn.BatchNorm2d(widths[0])
        blocks, cin = [], widths[0]
        for i, w in enumerate(widths):
            blocks.append(BasicBlock(mode, cin, w, 1 if i == 0 else 2))
            cin = w
        self.blocks = nn.ModuleList(blocks)
        self.fc = nn.Linear(cin, classes)

    def block_names(self):
        return [f"layer{i + 1}.0" for i in range(len(self.blocks))]

    def forward(self, x):
        x = (x - MEAN) / STD
        x = F.relu(self.stem_bn(self.stem(x)))
        for b in self.blocks:
            x = b(x)
        return self.fc(x.mean(dim=(2, 3)))

    def architecture(self):
        layers = [
            {"type": "normalize", "mean": [MEAN], "std": [STD]},
            {"type": "conv", "name": "stem", "mode": "float", "in": 1, "out": self.widths[0], "kernel": 3,
             "stride": 1, "padding": 1, "bias": False},
            {"type": "batchnorm", "name": "stem.bn", "eps": self.stem_bn.eps},
            {"type": "relu"},
        ]
        for name, b in zip(self.block_names(), self.blocks):
            layers.append({"type": "basic_block", "name": name, "in": b.cin, "out": b.cout, "stride": b.stride,
                           "mode": self.mode})
        layers += [{"type": "global_avg_pool"},
                   {"type": "linear", "name": "fc", "in": self.widths[-1], "out": self.classes, "bias": True}]
        return {"name": self.name, "input": {"channels": 1, "height": 28, "width": 28}, "classes": self.classes,
                "layers": layers}
