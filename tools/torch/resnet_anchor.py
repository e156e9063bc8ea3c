#!/usr/bin/python3
"""PyTorch's own ResNet-18 timed on this CPU: the int8 and fp32 anchors of trit4j's network study (issue 18).

The network is trit4j's `ResNets.resnet18`, written out in torch.nn: input 3 x 224 x 224 uniform in [0, 1),
normalised with the ImageNet mean and std, a 7x7 stride-2 stem (no bias) + BatchNorm + ReLU, a 3x3 stride-2 max pool
(padding 1), four stages of two basic blocks (64, 128, 256, 512 channels; the first block of stages 2-4 stride 2 with
a 1x1 stride-2 downsample + BatchNorm), global average pool, a 512 -> 1000 linear layer with bias. Random weights
(seeded); BatchNorm in eval mode. Two ways a PyTorch user runs it on a CPU:

- fp32: TorchScript (`torch.jit.trace`), frozen (`torch.jit.freeze`: BatchNorm folded into the convolutions) and
  `torch.jit.optimize_for_inference` (oneDNN convolutions where this torch has them).
- int8: FX graph mode post-training static quantization (`prepare_fx` with the engine's default qconfig mapping,
  calibration on random inputs like the measured one, `convert_fx`), then traced and frozen, on the best quantized
  engine this torch has (`--engine auto`: the first of x86, fbgemm, onednn, qnnpack in
  `torch.backends.quantized.supported_engines`; x86 combines fbgemm and oneDNN, qnnpack is the mobile engine).

Timing follows trit4j's study (io.github.trit4j.bench.SteadyState): a fixed number of iterations (default 12) of
about `--iteration-ms` (default 300 ms) each, each iteration as many calls as fit in it, no separate warm-up; the
warm-up is found afterwards as the iterations before the first 3 consecutive ones that agree within 5% (largest /
smallest); the figure is the mean of that window and every iteration after it, with the 99.9% confidence half-width
(Student's t, as JMH's error). A configuration that never settles is marked, its figure the mean of the last 3.

Writes JSON (`--json PATH`, else stdout) with every iteration's time, so a caller can apply the rule itself; prints a
progress line per configuration on stdout (stderr when the JSON goes to stdout). Exit code 0, 2 on bad arguments,
3 when torch cannot be imported (message on stderr).

    /usr/bin/python3 tools/torch/resnet_anchor.py --batches 1,8 --threads 1,2 --json anchors.json
"""
import argparse
import json
import math
import os
import sys
import time
import warnings

TORCH_MISSING = 3

WINDOW = 3
TOLERANCE_PERCENT = 5
ENGINE_PREFERENCE = ("x86", "fbgemm", "onednn", "qnnpack")

# Student's t quantile at 0.9995 (two-sided 99.9%) for 1..30 degrees of freedom (JMH's getMeanErrorAt(0.999))
T_9995 = (636.619, 31.599, 12.924, 8.610, 6.869, 5.959, 5.408, 5.041, 4.781, 4.587, 4.437, 4.318, 4.221, 4.140,
          4.073, 4.015, 3.965, 3.922, 3.883, 3.850, 3.819, 3.792, 3.768, 3.745, 3.725, 3.707, 3.690, 3.674, 3.659,
          3.646)
MAX_ITERATIONS = len(T_9995) + 1


def steady_state(iterations):
    """trit4j's SteadyState.of: (warmup_iterations, measured_iterations, settled, mean, error) of per-iteration times
    in run order. The error is NaN with one measured iteration."""
    n = len(iterations)
    if n == 0:
        raise ValueError("no iterations")
    if n > MAX_ITERATIONS:
        raise ValueError("at most %d iterations, got %d" % (MAX_ITERATIONS, n))
    start = -1
    for i in range(0, n - WINDOW + 1):
        w = iterations[i:i + WINDOW]
        if max(w) <= min(w) * (1 + TOLERANCE_PERCENT / 100.0):
            start = i
            break
    settled = start >= 0
    first = start if settled else max(0, n - WINDOW)
    measured = iterations[first:]
    m = len(measured)
    mean = sum(measured) / m
    if m > 1:
        sd = math.sqrt(sum((x - mean) ** 2 for x in measured) / (m - 1))
        error = T_9995[m - 2] * sd / math.sqrt(m)
    else:
        error = float("nan")
    return first, m, settled, mean, error


def pick_engine(supported, requested="auto"):
    """The quantized engine: the requested one (refused if this torch lacks it) or, for auto, the first of
    ENGINE_PREFERENCE that this torch supports."""
    if requested != "auto":
        if requested not in supported:
            raise ValueError("engine %s is not one of this torch's %s" % (requested, list(supported)))
        return requested
    for e in ENGINE_PREFERENCE:
        if e in supported:
            return e
    raise ValueError("this torch has no quantized engine (supported: %s)" % list(supported))


def build_model(torch, seed=42):
    """trit4j's ResNets.resnet18 as torch.nn (eval mode, random weights from `seed`)."""
    nn = torch.nn

    class BasicBlock(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.relu1 = nn.ReLU()
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.relu2 = nn.ReLU()
            self.downsample = None
            if stride != 1 or cin != cout:
                self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, 0, bias=False), nn.BatchNorm2d(cout))

        def forward(self, x):
            identity = x if self.downsample is None else self.downsample(x)
            out = self.relu1(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            return self.relu2(out + identity)

    class ResNet18(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("mean", torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1))
            self.register_buffer("std", torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1))
            self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
            self.bn1 = nn.BatchNorm2d(64)
            self.relu = nn.ReLU()
            self.maxpool = nn.MaxPool2d(3, 2, 1)
            blocks = []
            cin = 64
            for stage, cout in enumerate((64, 128, 256, 512)):
                blocks.append(BasicBlock(cin, cout, 1 if stage == 0 else 2))
                blocks.append(BasicBlock(cout, cout, 1))
                cin = cout
            self.layers = nn.Sequential(*blocks)
            self.avgpool = nn.AdaptiveAvgPool2d(1)
            self.fc = nn.Linear(512, 1000)

        def forward(self, x):
            x = (x - self.mean) / self.std
            x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
            x = self.layers(x)
            return self.fc(torch.flatten(self.avgpool(x), 1))

    torch.manual_seed(seed)
    model = ResNet18()
    # BatchNorm with non-default statistics, as trit4j's random BatchNorm tensors
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.1, 0.1)
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 1.5)
    return model.eval()


def fp32_model(torch, model, example):
    """TorchScript, frozen, optimized for inference."""
    with torch.no_grad():
        traced = torch.jit.trace(model, example)
        return torch.jit.optimize_for_inference(torch.jit.freeze(traced.eval()))


def int8_model(torch, model, example, engine, calibration_batches, seed=7):
    """FX graph mode post-training static quantization on `engine`, calibrated on random inputs uniform in [0, 1)
    (as the measured input), then traced and frozen."""
    import copy
    from torch.ao.quantization import get_default_qconfig_mapping
    from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx
    torch.backends.quantized.engine = engine
    prepared = prepare_fx(copy.deepcopy(model).eval(), get_default_qconfig_mapping(engine), (example,))
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for _ in range(calibration_batches):
            prepared(torch.rand(example.shape, generator=g))
        quantized = convert_fx(prepared).eval()
        with warnings.catch_warnings():
            # quantized ops' scales become constants of the trace: what freezing wants, not a problem
            warnings.simplefilter("ignore", torch.jit.TracerWarning)
            return torch.jit.freeze(torch.jit.trace(quantized, example).eval())


def time_iterations(torch, run, iterations, iteration_ms):
    """Per-iteration mean milliseconds per call: each iteration runs whole calls until iteration_ms have passed."""
    out = []
    budget = iteration_ms / 1000.0
    with torch.no_grad():
        for _ in range(iterations):
            calls = 0
            start = time.perf_counter()
            while True:
                run()
                calls += 1
                elapsed = time.perf_counter() - start
                if elapsed >= budget:
                    break
            out.append(elapsed * 1000.0 / calls)
    return out


def parse_list(text, name):
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("%s must be comma-separated integers, got %s" % (name, text))
    if not values or any(v < 1 for v in values):
        raise argparse.ArgumentTypeError("%s must be integers >= 1, got %s" % (name, text))
    return values


def arguments(argv):
    p = argparse.ArgumentParser(description="Times PyTorch's int8 and fp32 ResNet-18 (trit4j study anchors).")
    p.add_argument("--modes", default="int8,fp32", help="int8, fp32 or both (default: %(default)s)")
    p.add_argument("--batches", default="1,8", type=lambda s: parse_list(s, "--batches"),
                   help="batch sizes (default: 1,8)")
    p.add_argument("--threads", default="1", type=lambda s: parse_list(s, "--threads"),
                   help="torch.set_num_threads values (default: 1)")
    p.add_argument("--iterations", type=int, default=12, help="iterations per configuration (default: %(default)s)")
    p.add_argument("--iteration-ms", type=float, default=300, help="length of each, ms (default: %(default)s)")
    p.add_argument("--engine", default="auto", help="quantized engine, or auto (default: %(default)s)")
    p.add_argument("--calibration-batches", type=int, default=4,
                   help="random batches of the int8 calibration (default: %(default)s)")
    p.add_argument("--size", type=int, default=224, help="input height and width (default: %(default)s; smaller "
                   "sizes are for tests)")
    p.add_argument("--json", help="write the JSON here (default: stdout)")
    a = p.parse_args(argv)
    a.modes = [m.strip() for m in a.modes.split(",") if m.strip()]
    if not a.modes or any(m not in ("int8", "fp32") for m in a.modes):
        p.error("--modes must be int8, fp32 or int8,fp32, got %s" % ",".join(a.modes))
    if not 1 <= a.iterations <= MAX_ITERATIONS:
        p.error("--iterations must be 1..%d, got %d" % (MAX_ITERATIONS, a.iterations))
    if not a.iteration_ms > 0:
        p.error("--iteration-ms must be > 0, got %s" % a.iteration_ms)
    if a.calibration_batches < 1:
        p.error("--calibration-batches must be >= 1, got %d" % a.calibration_batches)
    if a.size < 32:
        p.error("--size must be >= 32, got %d" % a.size)
    return a


def main(argv=None):
    a = arguments(sys.argv[1:] if argv is None else argv)
    try:
        import torch
    except ImportError as e:
        print("resnet_anchor: torch cannot be imported by %s (%s); install Debian PyTorch: apt-get install "
              "python3-torch" % (sys.executable, e), file=sys.stderr)
        return TORCH_MISSING
    progress = sys.stderr if a.json is None else sys.stdout
    supported = [e for e in torch.backends.quantized.supported_engines if e != "none"]
    engine = None
    if "int8" in a.modes:
        try:
            engine = pick_engine(supported, a.engine)
        except ValueError as e:
            print("resnet_anchor: " + str(e), file=sys.stderr)
            return 2
    torch.set_num_interop_threads(1)
    model = build_model(torch)
    label = {"fp32": "PyTorch %s fp32 TorchScript frozen, optimize_for_inference" % torch.__version__,
             "int8": "PyTorch %s int8 FX PTQ, %s engine, TorchScript frozen" % (torch.__version__, engine)}
    results = []
    for mode in a.modes:
        for batch in a.batches:
            example = torch.rand(batch, 3, a.size, a.size, generator=torch.Generator().manual_seed(1))
            torch.set_num_threads(max(a.threads))
            net = fp32_model(torch, model, example) if mode == "fp32" else \
                int8_model(torch, model, example, engine, a.calibration_batches)
            for threads in a.threads:
                torch.set_num_threads(threads)
                its = time_iterations(torch, lambda: net(example), a.iterations, a.iteration_ms)
                warm, measured, settled, mean, error = steady_state(its)
                r = {"mode": mode, "batch": batch, "threads": threads, "kernel": label[mode],
                     "iterations_ms": its, "warmup_iterations": warm, "measured_iterations": measured,
                     "settled": settled, "ms_per_batch": mean, "ms_error": None if math.isnan(error) else error,
                     "images_per_s": batch * 1000.0 / mean}
                results.append(r)
                print("pytorch resnet18 %s batch %d %dt: %.2f%s ms per batch, %.1f images/s, %s" % (
                    mode, batch, threads, mean, "" if math.isnan(error) else " \u00b1 %.2f" % error,
                    r["images_per_s"], ("steady after %d of %d iterations" % (warm, len(its))) if settled
                    else "NOT SETTLED in %d iterations" % len(its)), file=progress, flush=True)
    doc = {"torch": torch.__version__, "engine": engine, "supported_engines": supported, "size": a.size,
           "window": WINDOW, "tolerance_percent": TOLERANCE_PERCENT, "iteration_ms": a.iteration_ms,
           "cpu_count": os.cpu_count(), "results": results}
    text = json.dumps(doc, indent=1)
    if a.json is None:
        print(text)
    else:
        with open(a.json, "w") as f:
            f.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
