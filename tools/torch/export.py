#!/usr/bin/python3
"""Export trained checkpoints to trit4j model files (docs/MODEL_FORMAT.md) plus a reference-output fixture each.

    /usr/bin/python3 tools/torch/export.py --model all     # runs/*.pt -> runs/models/*.safetensors, *.reference.json
    /usr/bin/python3 tools/torch/export.py --model all --replace-committed   # -> tools/models/ (the committed models)

By default the files go to tools/torch/runs/models (ignored by git), so an export never overwrites the committed
models that the Java tests and the README use; --replace-committed writes tools/models on purpose.

The recorded trit4j.pytorch_accuracy is the test accuracy of the exported network evaluated as the file defines it
(the integer reference, trit4j_torch.reference), computed from the file written; the fake-quant training graph's
accuracy and the label agreement between the two go into trit4j.training.
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from trit4j_torch import data, export, safetensors, training  # noqa: E402
from trit4j_torch.reference import ReferenceNet  # noqa: E402
from train import HERE, MODES, checkpoint_path, load_checkpoint  # noqa: E402
from trit4j_torch.model import ResNet  # noqa: E402

FIXTURE_IMAGES = 32


def write_fixture(path, ref, test_x, test_y, all_labels):
    """Reads the model file back, checks it gives the in-memory network's logits bit for bit (same batch: the float
    convs' summation order depends on the batch size), and writes NAME.reference.json beside it."""
    back = ReferenceNet.from_file(path)
    with torch.no_grad():
        logits = back(test_x[:FIXTURE_IMAGES])
        if not torch.equal(logits, ref(test_x[:FIXTURE_IMAGES])):
            raise RuntimeError(f"{path}: logits read back differ from the exported network's")
    fixture = {
        "model": os.path.basename(path),
        "data": "Fashion-MNIST t10k (first images of t10k-images-idx3-ubyte.gz)",
        "input": "pixel/255 as float32, NCHW [N,1,28,28]",
        "logits_from": "the integer reference (trit4j_torch.reference) on these 32 images as one batch, float32 "
                       "widened to double and printed exactly (parses back to the same float32)",
        "indices": list(range(FIXTURE_IMAGES)),
        "true_labels": test_y[:FIXTURE_IMAGES].tolist(),
        "labels": logits.argmax(1).tolist(),
        "logits": [[float(v) for v in row] for row in logits.numpy()],
        "all_labels_from": "the integer reference's label for every test image, in order (evaluated in batches)",
        "all_labels": all_labels,
    }
    with open(path[: -len(".safetensors")] + ".reference.json", "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")


def export_one(ck_path, out_dir, test_x, test_y, log=print):
    model, info = load_checkpoint(ck_path)
    model.eval()
    fq_logits = torch.load(ck_path).get("test_logits_fake_quant")
    if fq_logits is None:  # a checkpoint from before the logits were kept
        _, fq_logits = training.evaluate(model, test_x, test_y)
    fq_acc = float((fq_logits.argmax(1) == test_y).float().mean())
    tensors = export.tensors(model)
    arch = model.architecture()
    ref = ReferenceNet(tensors, arch)
    ref_acc, ref_logits = training.evaluate(ref, test_x, test_y)
    agree = float((ref_logits.argmax(1) == fq_logits.argmax(1)).float().mean())
    info = dict(info)
    info.update({"test_accuracy_fake_quant": round(fq_acc, 4), "test_accuracy_integer_reference": round(ref_acc, 4),
                 "label_agreement_fake_quant_vs_integer_reference": round(agree, 4),
                 "pytorch_accuracy_is": "the integer reference (the exported network as the contract defines it)"})
    path = os.path.join(out_dir, f"{model.name}.safetensors")
    safetensors.write(path, tensors, export.metadata(arch, ref_acc, info, data.FASHION_MNIST_LABELS))
    write_fixture(path, ref, test_x, test_y, ref_logits.argmax(1).tolist())
    log(f"{path}: integer reference accuracy {ref_acc:.4f}, fake-quant {fq_acc:.4f}, label agreement {agree:.4f}")
    return ref_acc, fq_acc, agree


# The committed models (tools/models), which the Java tests and the README use: written only with --replace-committed.
COMMITTED_MODELS = os.path.normpath(os.path.join(HERE, "..", "models"))
# Where an export goes by default: beside the checkpoints, under runs/ (ignored by git).
DEFAULT_OUT = os.path.join(HERE, "runs", "models")


def widths_of(a):
    return tuple(int(w) for w in a.widths.split(","))


def parser():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", choices=["fp32", "fatnn", "conventional", "all"], default="all")
    p.add_argument("--widths", default="16,32,64")
    p.add_argument("--runs", default=os.path.join(HERE, "runs"))
    out = p.add_mutually_exclusive_group()
    out.add_argument("--out", help="output directory (default: %s)" % os.path.relpath(DEFAULT_OUT))
    out.add_argument("--replace-committed", action="store_true",
                     help="write the committed models in %s (overwrites them)" % os.path.relpath(COMMITTED_MODELS))
    p.add_argument("--data", default=data.DEFAULT_DIR)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--restamp-labels", action="store_true",
                   help="only set trit4j.labels (Fashion-MNIST's class names) in the output directory's model files, "
                        "tensors and other metadata unchanged, and exit")
    return p


def output_dir(args):
    """The directory an export writes: --out, the committed models with --replace-committed, else DEFAULT_OUT."""
    if args.replace_committed:
        return COMMITTED_MODELS
    return os.path.normpath(args.out if args.out else DEFAULT_OUT)


def main(argv=None):
    a = parser().parse_args(argv)
    out = output_dir(a)
    if a.restamp_labels:
        labels = json.dumps(list(data.FASHION_MNIST_LABELS))
        for key in ["fp32", "fatnn", "conventional"]:
            path = os.path.join(out, f"{ResNet(MODES[key], widths_of(a)).name}.safetensors")
            safetensors.update_metadata(path, {"trit4j.labels": labels})
            print(f"{path}: trit4j.labels set")
        return
    torch.set_num_threads(a.threads)
    widths = tuple(int(w) for w in a.widths.split(","))
    test_x, test_y = data.load("t10k", a.data)
    os.makedirs(out, exist_ok=True)
    for key in (["fp32", "fatnn", "conventional"] if a.model == "all" else [a.model]):
        export_one(checkpoint_path(a.runs, ResNet(MODES[key], widths).name), out, test_x, test_y)


if __name__ == "__main__":
    main()
