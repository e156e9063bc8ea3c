"""export.py's command line: the committed models (tools/models) are written only when asked for."""
import contextlib
import importlib.util
import io
import os
import unittest

import _path  # noqa: F401

HERE = os.path.dirname(os.path.abspath(__file__))
TORCH = os.path.normpath(os.path.join(HERE, ".."))


def script():
    spec = importlib.util.spec_from_file_location("export_script", os.path.join(TORCH, "export.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class ExportCommandLineTest(unittest.TestCase):

    def setUp(self):
        self.export = script()

    def out(self, *argv):
        return self.export.output_dir(self.export.parser().parse_args(list(argv)))

    def test_default_output_is_under_runs_not_the_committed_models(self):
        self.assertEqual(os.path.join(TORCH, "runs", "models"), self.out())
        self.assertNotEqual(self.export.COMMITTED_MODELS, self.out())

    def test_replace_committed_writes_tools_models(self):
        self.assertEqual(os.path.normpath(os.path.join(TORCH, "..", "models")), self.out("--replace-committed"))
        self.assertTrue(os.path.isfile(os.path.join(self.export.COMMITTED_MODELS, "fashion-resnet8-fatnn.safetensors")))

    def test_out_is_taken_as_given(self):
        self.assertEqual(os.path.normpath("/tmp/x"), self.out("--out", "/tmp/x"))

    def test_out_and_replace_committed_exclude_each_other(self):
        err = io.StringIO()
        with self.assertRaises(SystemExit), contextlib.redirect_stderr(err):
            self.export.parser().parse_args(["--out", "/tmp/x", "--replace-committed"])
        self.assertIn("not allowed with argument", err.getvalue())


if __name__ == "__main__":
    unittest.main()
