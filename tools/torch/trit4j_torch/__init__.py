"""trit4j's training and export companion: FATNN and conventional ternary quantizers, a small ResNet for
Fashion-MNIST, the model-file exporter (docs/MODEL_FORMAT.md) and an evaluator that computes what trit4j computes."""
