"""Training loop and evaluation, shared by the CLI and the tests."""
import time

import torch
import torch.nn.functional as F

from .model import ResNet


def param_groups(model, weight_decay):
    """Weight decay on conv and linear weights only; none on BN parameters, biases and quantizer alphas/scales."""
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (decay if name.endswith("weight") and p.dim() > 1 else no_decay).append(p)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


@torch.no_grad()
def evaluate(fn, x, y, batch=1000):
    """(accuracy, logits) of fn over x in batches."""
    outs = [fn(x[i:i + batch]) for i in range(0, len(x), batch)]
    logits = torch.cat(outs)
    return float((logits.argmax(1) == y).float().mean()), logits


def train(model, train_x, train_y, test_x, test_y, epochs, lr, batch, seed, weight_decay=5e-4, log=print,
          max_steps=None):
    """SGD (momentum 0.9, nesterov) with a per-step cosine learning rate from lr to 0 over the run (epochs, or
    max_steps when given); random horizontal flips. Returns (per-epoch records (loss, train accuracy, fake-quant
    test accuracy, seconds), the test logits after the last epoch)."""
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.SGD(param_groups(model, weight_decay), lr=lr, momentum=0.9, nesterov=True)
    steps_per_epoch = (len(train_x) + batch - 1) // batch
    total = epochs * steps_per_epoch if max_steps is None else min(max_steps, epochs * steps_per_epoch)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: 0.5 * (1 + torch.cos(torch.tensor(s / total * 3.141592653589793)).item()))
    history, step = [], 0
    for epoch in range(epochs):
        model.train()
        t0 = time.time()
        perm = torch.randperm(len(train_x), generator=g)
        loss_sum, correct, seen = 0.0, 0, 0
        for i in range(0, len(train_x), batch):
            idx = perm[i:i + batch]
            xb, yb = train_x[idx], train_y[idx]
            flip = torch.rand(len(idx), generator=g) < 0.5
            xb = torch.where(flip.view(-1, 1, 1, 1), xb.flip(3), xb)
            out = model(xb)
            loss = F.cross_entropy(out, yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            loss_sum += float(loss) * len(idx)
            correct += int((out.argmax(1) == yb).sum())
            seen += len(idx)
            if step % 100 == 0:
                log(f"  step {step}: loss {loss_sum / seen:.4f}, {time.time() - t0:.0f} s")
            if max_steps is not None and step >= max_steps:
                break
        train_s = time.time() - t0
        model.eval()
        acc, logits = evaluate(model, test_x, test_y)
        rec = {"epoch": epoch + 1, "steps": step, "loss": round(loss_sum / seen, 4), "train_accuracy": round(correct / seen, 4),
               "test_accuracy_fake_quant": round(acc, 4), "seconds": round(train_s, 1)}
        history.append(rec)
        log(f"{model.name} epoch {epoch + 1}/{epochs}: loss {rec['loss']:.4f} train acc {rec['train_accuracy']:.4f} "
            f"test acc {acc:.4f}  {train_s:.1f} s")
        if max_steps is not None and step >= max_steps:
            break
    return history, logits


def quantized_from_float(fp32, mode):
    """A quantized twin of a trained float ResNet: same weights, BN parameters and statistics, fc; quantizers
    initialised at the first training batch."""
    m = ResNet(mode, fp32.widths, fp32.classes)
    missing, unexpected = m.load_state_dict(fp32.state_dict(), strict=False)
    if unexpected or any(not (".act_quant." in k or ".weight_quant." in k) for k in missing):
        raise RuntimeError(f"state mismatch: missing {missing}, unexpected {unexpected}")
    return m
