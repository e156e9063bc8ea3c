"""The committed models (tools/models) against their reference fixtures: each file parses, follows the contract and
gives its fixture's logits bit for bit; the recorded accuracy is the integer reference's."""
import glob
import json
import os
import unittest

import torch

import _path  # noqa: F401
from trit4j_torch import data, safetensors
from trit4j_torch.reference import ReferenceNet

MODELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "models")
HAVE_DATA = os.path.exists(os.path.join(data.DEFAULT_DIR, "t10k-images-idx3-ubyte.gz"))


class CommittedModels(unittest.TestCase):
    def files(self):
        files = sorted(glob.glob(os.path.join(MODELS, "*.safetensors")))
        self.assertTrue(files, f"no models under {MODELS}")
        return files

    def test_metadata(self):
        for path in self.files():
            _, meta, _ = safetensors.read(path)
            self.assertEqual(meta["trit4j.format"], "1", path)
            arch = json.loads(meta["trit4j.architecture"])
            self.assertEqual(arch["name"] + ".safetensors", os.path.basename(path))
            training = json.loads(meta["trit4j.training"])
            acc = float(meta["trit4j.pytorch_accuracy"])
            self.assertAlmostEqual(acc, training["test_accuracy_integer_reference"], places=4, msg=path)
            self.assertTrue(os.path.exists(path[: -len(".safetensors")] + ".reference.json"), path)

    @unittest.skipUnless(HAVE_DATA, "dataset-fashion-mnist not installed")
    def test_fixture_logits(self):
        test_x, test_y = data.load("t10k")
        for path in self.files():
            with open(path[: -len(".safetensors")] + ".reference.json") as f:
                fx = json.load(f)
            net = ReferenceNet.from_file(path)
            with torch.no_grad():
                logits = net(test_x[fx["indices"]])
            self.assertEqual(fx["true_labels"], test_y[fx["indices"]].tolist(), path)
            want = torch.tensor(fx["logits"], dtype=torch.float32)
            # same arithmetic, same batch; only the float convs' and pool's summation order could move a bit
            torch.testing.assert_close(logits, want, rtol=1e-5, atol=1e-5, msg=path)
            self.assertEqual(logits.argmax(1).tolist(), fx["labels"], path)


if __name__ == "__main__":
    unittest.main()
