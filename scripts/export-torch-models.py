#!/usr/bin/python3
"""export-torch-models.py - exports PyTorch models to ONNX for qcc's e2e tests.

Writes, into a cache directory outside the source tree
(--out-dir, default ${QCC_CACHE:-~/.cache/qcc}/models/torch):

  NAME.onnx         the model, randomly initialized from a fixed seed (no
                    pretrained weights are downloaded), in eval() mode,
                    exported at ONNX opset 17 (the newest torch 1.13 knows;
                    the first at which it emits LayerNormalization instead
                    of a hand-written ReduceMean/Sub/Pow/Sqrt/Div chain)
  NAME.input.npy    a sample input of the model's static shape, float32
                    standard normal from the same seed
  NAME.stamp        what the files were made with (see Idempotent below)

Models (input shape):
  resnet18           torchvision ResNet-18, 1x3x224x224 -> 1x1000 logits
  mobilenet_v2       torchvision MobileNetV2 (depthwise convs, ReLU6),
                     1x3x224x224 -> 1x1000
  mobilenet_v3_small torchvision MobileNetV3-Small (depthwise convs,
                     hard-swish, squeeze-excite), 1x3x224x224 -> 1x1000
  transformer_layer  nn.TransformerEncoderLayer(d_model=128, nhead=4,
                     dim_feedforward=256, batch_first=True; post-norm, ReLU,
                     LayerNorm scales/shifts randomized), 1x32x128
  transformer_2layer nn.TransformerEncoder of two such layers, each with its
                     own weights, 1x32x128
  audio_conv         keyword-spotting style 1-D CNN over a 1x40x101 log-mel
                     window: Conv1d/BatchNorm/ReLU stack, global average
                     pool, Linear to 12 classes
  audio_gru          the same conv front end followed by a 2-layer GRU and a
                     Linear head on the last step, 1x40x101 -> 1x12

Deterministic: every model is built right after torch.manual_seed(SEED) (and
its input drawn from numpy's RandomState(SEED)), and exported with the same
options, so the same seed gives byte-identical files. Idempotent: a model
whose files exist and whose NAME.stamp records the same script version, seed,
opset and torch/torchvision versions is left alone (--force rewrites it). Writes to a temporary
name and renames, so an interrupted run leaves no partial model behind.

  /usr/bin/python3 scripts/export-torch-models.py [--out-dir DIR] [--force]
      [--seed N] [--list] [NAME...]

Prints the path of each model (one per line) when done; exits non-zero if an
export failed.
"""

import argparse
import os
import sys
import tempfile

import numpy as np

OPSET = 17
DEFAULT_SEED = 1234
# Bump when a model's definition or the export options change, so that cached
# exports from an older version of this script are redone.
EXPORT_VERSION = 2


def _default_out_dir():
    cache = os.environ.get("QCC_CACHE",
                           os.path.join(os.path.expanduser("~"), ".cache",
                                        "qcc"))
    return os.path.join(cache, "models", "torch")


# Every builder returns (module, input shape). They import torch lazily so
# that --list and --help work without it.

def _resnet18():
    import torchvision
    return torchvision.models.resnet18(weights=None), (1, 3, 224, 224)


def _mobilenet_v2():
    import torchvision
    return torchvision.models.mobilenet_v2(weights=None), (1, 3, 224, 224)


def _mobilenet_v3_small():
    import torchvision
    return torchvision.models.mobilenet_v3_small(weights=None), (1, 3, 224, 224)


def _encoder_layer():
    import torch
    return torch.nn.TransformerEncoderLayer(d_model=128, nhead=4,
                                            dim_feedforward=256,
                                            batch_first=True)


def _randomize_encoder_layer(layer):
    """Draws fresh weights for a TransformerEncoderLayer, and non-trivial
    LayerNorm scales and shifts (fresh ones are 1 and 0)."""
    import torch
    layer.self_attn._reset_parameters()
    layer.linear1.reset_parameters()
    layer.linear2.reset_parameters()
    with torch.no_grad():
        for norm in (layer.norm1, layer.norm2):
            norm.weight.uniform_(0.5, 1.5)
            norm.bias.uniform_(-0.5, 0.5)


def _transformer_layer():
    layer = _encoder_layer()
    _randomize_encoder_layer(layer)
    return layer, (1, 32, 128)


def _transformer_2layer():
    import torch
    # enable_nested_tensor only matters for padded batches on the fast path,
    # which export does not take; turn it off to keep the module simple.
    model = torch.nn.TransformerEncoder(_encoder_layer(), num_layers=2,
                                        enable_nested_tensor=False)
    # The layers start as deep copies of one layer: give each its own
    # weights, or the exporter shares one set of initializers between them.
    for layer in model.layers:
        _randomize_encoder_layer(layer)
    return model, (1, 32, 128)


def _conv_front_end(torch):
    """Conv1d/BatchNorm/ReLU stack over 40 mel bins, downsampling time by 4."""
    layers = []
    channels = 40
    for out, stride in ((64, 1), (64, 2), (96, 1), (96, 2)):
        layers += [torch.nn.Conv1d(channels, out, kernel_size=3, stride=stride,
                                   padding=1, bias=False),
                   torch.nn.BatchNorm1d(out), torch.nn.ReLU()]
        channels = out
    return torch.nn.Sequential(*layers), channels


def _randomize_batchnorm(module):
    """Gives BatchNorm layers non-trivial running statistics, so that their
    folding into the convolutions is really exercised (fresh modules have
    mean 0, variance 1)."""
    import torch
    for m in module.modules():
        if isinstance(m, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d)):
            with torch.no_grad():
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.5, 0.5)


def _audio_conv():
    import torch

    class AudioConv(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.features, channels = _conv_front_end(torch)
            self.head = torch.nn.Linear(channels, 12)

        def forward(self, x):  # x: [N, 40 mel bins, T frames]
            return self.head(self.features(x).mean(dim=2))

    return AudioConv(), (1, 40, 101)


def _audio_gru():
    import torch

    class AudioGru(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.features, channels = _conv_front_end(torch)
            self.gru = torch.nn.GRU(channels, 64, num_layers=2,
                                    batch_first=True)
            self.head = torch.nn.Linear(64, 12)

        def forward(self, x):  # x: [N, 40 mel bins, T frames]
            y, _ = self.gru(self.features(x).transpose(1, 2))
            return self.head(y[:, -1, :])

    return AudioGru(), (1, 40, 101)


MODELS = {
    "resnet18": _resnet18,
    "mobilenet_v2": _mobilenet_v2,
    "mobilenet_v3_small": _mobilenet_v3_small,
    "transformer_layer": _transformer_layer,
    "transformer_2layer": _transformer_2layer,
    "audio_conv": _audio_conv,
    "audio_gru": _audio_gru,
}


def _atomic_write(path, write):
    """Calls write(tmp_path), then renames tmp_path to path."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path),
                               prefix=".tmp-" + os.path.basename(path))
    os.close(fd)
    try:
        write(tmp)
        # mkstemp creates the file 0600; give it the usual umask mode.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def export(name, out_dir, seed, force):
    """Exports one model and its sample input; returns the model path."""
    import torch

    onnx_path = os.path.join(out_dir, name + ".onnx")
    npy_path = os.path.join(out_dir, name + ".input.npy")
    stamp_path = os.path.join(out_dir, name + ".stamp")
    stamp = "export %d seed %d opset %d torch %s torchvision %s\n" % (
        EXPORT_VERSION, seed, OPSET, torch.__version__, _torchvision_version())
    if (not force and os.path.isfile(onnx_path) and os.path.isfile(npy_path)
            and _read(stamp_path) == stamp):
        return onnx_path

    torch.manual_seed(seed)
    model, shape = MODELS[name]()
    _randomize_batchnorm(model)
    model.eval()
    x = np.random.RandomState(seed).standard_normal(shape).astype(np.float32)

    def write_npy(tmp):
        with open(tmp, "wb") as f:
            np.save(f, x)

    def write_onnx(tmp):
        # Grad stays enabled: under no_grad, TransformerEncoderLayer takes
        # its fused fast path, which has no ONNX export.
        torch.onnx.export(model, (torch.from_numpy(x),), tmp,
                          opset_version=OPSET, input_names=["input"],
                          output_names=["output"], do_constant_folding=True,
                          export_params=True,
                          training=torch.onnx.TrainingMode.EVAL)

    def write_stamp(tmp):
        with open(tmp, "w") as f:
            f.write(stamp)

    _atomic_write(npy_path, write_npy)
    _atomic_write(onnx_path, write_onnx)
    _atomic_write(stamp_path, write_stamp)
    return onnx_path


def _read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def _torchvision_version():
    import torchvision
    return torchvision.__version__


def main():
    p = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("names", nargs="*", metavar="NAME",
                   help="models to export (default: all)")
    p.add_argument("--out-dir", default=_default_out_dir())
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--force", action="store_true",
                   help="re-export models that already exist")
    p.add_argument("--list", action="store_true",
                   help="print the model names and exit")
    args = p.parse_args()
    if args.list:
        print("\n".join(MODELS))
        return 0
    unknown = [n for n in args.names if n not in MODELS]
    if unknown:
        p.error("unknown model(s) %s; known: %s" %
                (", ".join(unknown), ", ".join(MODELS)))
    names = args.names or list(MODELS)

    import torch
    # One thread: the exports are small, and the machine may be shared.
    torch.set_num_threads(1)
    os.makedirs(args.out_dir, exist_ok=True)
    failed = 0
    for name in names:
        try:
            print(export(name, args.out_dir, args.seed, args.force))
        except Exception as e:  # report and go on with the other models
            print("export-torch-models: %s: %s: %s" %
                  (name, type(e).__name__, e), file=sys.stderr)
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
