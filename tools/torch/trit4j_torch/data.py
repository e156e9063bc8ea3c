"""Fashion-MNIST from Debian's dataset-fashion-mnist (IDX files, gzip), no download. Images as float32 pixel/255,
NCHW [N, 1, 28, 28]; the network's normalize layer does the rest."""
import gzip
import os

import numpy as np
import torch

DEFAULT_DIR = "/usr/share/datasets/fashion-mnist"


# Fashion-MNIST's class names, in label order (the dataset's documentation); stored in the model files as
# trit4j.labels (docs/MODEL_FORMAT.md)
FASHION_MNIST_LABELS = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                        "Ankle boot")


def _idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    if magic >> 8 != 0x08:
        raise ValueError(f"{path}: not an IDX file of unsigned bytes (magic {magic:#x})")
    dims = magic & 0xFF
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(split, directory=DEFAULT_DIR):
    """(images float32 [N,1,28,28] = pixel/255, labels int64 [N]) for split 'train' or 't10k'."""
    images = _idx(os.path.join(directory, f"{split}-images-idx3-ubyte.gz"))
    labels = _idx(os.path.join(directory, f"{split}-labels-idx1-ubyte.gz"))
    x = torch.from_numpy(images.copy()).to(torch.float32).div_(255.0).unsqueeze(1)
    return x, torch.from_numpy(labels.astype(np.int64))
