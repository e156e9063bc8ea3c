#!/usr/bin/python3
"""Train the Fashion-MNIST ResNet in one or all modes; writes checkpoints (not model files: export.py does that).

    /usr/bin/python3 tools/torch/train.py --model all      # the committed schedule: fp32 (2 epochs), then fatnn
                                                           # and conventional fine-tuned 5 epochs from its weights
"""
import argparse
import datetime
import os
import platform
import subprocess
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from trit4j_torch import data, training  # noqa: E402
from trit4j_torch.model import ResNet  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
MODES = {"fp32": "float", "fatnn": "fatnn", "conventional": "conventional"}


def git_commit():
    try:
        rev = subprocess.run(["git", "-C", HERE, "rev-parse", "HEAD"], capture_output=True, text=True,
                             check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", HERE, "status", "--porcelain", "--", HERE], capture_output=True,
                               text=True, check=True).stdout.strip()
        return rev + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def utc():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def checkpoint_path(runs, name):
    return os.path.join(runs, f"{name}.pt")


def load_checkpoint(path):
    ck = torch.load(path)
    m = ResNet(ck["mode"], ck["widths"], ck["classes"], ck["name"])
    m.load_state_dict(ck["state_dict"])
    return m, ck["training"]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", choices=["fp32", "fatnn", "conventional", "quantized", "all"], default="all",
                   help="quantized = fatnn and conventional (from an existing fp32 checkpoint)")
    p.add_argument("--epochs-fp32", type=int, default=2)
    p.add_argument("--epochs-quant", type=int, default=5, help="fine-tuning epochs of fatnn and conventional (the committed models: 5)")
    p.add_argument("--lr-fp32", type=float, default=0.1)
    p.add_argument("--lr-quant", type=float, default=0.01)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--weight-decay", type=float, default=5e-4)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--widths", default="16,32,64", help="channels per stage, one basic block each")
    p.add_argument("--from-scratch", action="store_true",
                   help="train fatnn/conventional from random weights instead of the fp32 checkpoint")
    p.add_argument("--max-steps", type=int, default=None,
                   help="stop the fp32 model after this many steps (the cosine schedule spans them)")
    p.add_argument("--max-steps-quant", type=int, default=None, help="the same for fatnn and conventional")
    p.add_argument("--threads", type=int, default=1,
                   help="torch threads; 2 is faster on a quiet 2-core machine, but on a shared busy one OpenMP's "
                        "barriers made 2 threads many times slower than 1 (see README)")
    p.add_argument("--data", default=data.DEFAULT_DIR)
    p.add_argument("--runs", default=os.path.join(HERE, "runs"), help="checkpoint directory")
    a = p.parse_args(argv)

    torch.set_num_threads(a.threads)
    widths = tuple(int(w) for w in a.widths.split(","))
    os.makedirs(a.runs, exist_ok=True)
    t0 = time.time()
    train_x, train_y = data.load("train", a.data)
    test_x, test_y = data.load("t10k", a.data)
    print(f"data: {len(train_x)} train, {len(test_x)} test images, loaded in {time.time() - t0:.1f} s; "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads", flush=True)
    todo = {"all": ["fp32", "fatnn", "conventional"], "quantized": ["fatnn", "conventional"]}.get(a.model, [a.model])
    fp32_name = ResNet("float", widths).name
    for key in todo:
        mode = MODES[key]
        torch.manual_seed(a.seed)
        init = None
        if mode == "float":
            model, epochs, lr, max_steps = ResNet("float", widths), a.epochs_fp32, a.lr_fp32, a.max_steps
        else:
            epochs, lr, max_steps = a.epochs_quant, a.lr_quant, a.max_steps_quant
            if a.from_scratch:
                model = ResNet(mode, widths)
            else:
                fp32, fp32_training = load_checkpoint(checkpoint_path(a.runs, fp32_name))
                model = training.quantized_from_float(fp32, mode)
                init = {"from": fp32_name, "fp32_epochs": fp32_training["epochs"], "fp32_seed": fp32_training["seed"],
                        "fp32_git_commit": fp32_training["git_commit"],
                        "fp32_test_accuracy": fp32_training["test_accuracy_fake_quant"]}
        started, t, commit = utc(), time.time(), git_commit()
        history, logits = training.train(model, train_x, train_y, test_x, test_y, epochs, lr, a.batch, a.seed,
                                 a.weight_decay, log=lambda s: print(s, flush=True), max_steps=max_steps)
        seconds = time.time() - t
        acc = history[-1]["test_accuracy_fake_quant"]  # evaluated after the last epoch, in eval mode
        info = {
            "dataset": "Fashion-MNIST (Debian dataset-fashion-mnist), 60000 train / 10000 test (t10k)",
            "input": "pixel/255 as float32, NCHW [N,1,28,28]; the normalize layer does the rest",
            "mode": mode, "widths": list(widths), "epochs": len(history), "max_steps": max_steps,
            "steps": history[-1]["steps"], "steps_per_epoch": (len(train_x) + a.batch - 1) // a.batch,
            "optimizer": "SGD momentum 0.9 nesterov, cosine lr per step to 0, no warmup",
            "lr": lr, "batch": a.batch, "weight_decay": a.weight_decay,
            "weight_decay_on": "conv and linear weights (not BN, biases, quantizer alphas/scales/clips)",
            "augmentation": "random horizontal flip",
            "initialized_from": init or "random (kaiming normal)",
            "seed": a.seed, "threads": torch.get_num_threads(), "torch": torch.__version__,
            "python": platform.python_version(), "machine": f"{platform.machine()}, {os.cpu_count()} cpus",
            "started_utc": started, "finished_utc": utc(), "train_seconds": round(seconds, 1),
            "history": history, "test_accuracy_fake_quant": acc, "git_commit": commit,
        }
        path = checkpoint_path(a.runs, model.name)
        torch.save({"mode": mode, "widths": list(widths), "classes": model.classes, "name": model.name,
                    "state_dict": model.state_dict(), "training": info, "test_logits_fake_quant": logits}, path)
        print(f"{model.name}: test accuracy (fake-quant graph) {acc:.4f}, {seconds:.0f} s; checkpoint {path}",
              flush=True)
    print(f"total {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
