"""The PyTorch peer of `onnx-edge bench train --peer pytorch`.

Builds a torch.nn.Module from the Keras-style layer configs of the tfjs model (model.toJSON(): layers,
class names, configs, inbound nodes), so both sides train the same architecture, and times Adam steps on
random 32x32x3 images. It speaks JSON lines on stdin/stdout so the benchmark can interleave its rounds with
ours: {"cmd": "build", "model": <toJSON>, "batch": N} -> {"ok": true, "params": P}, then
{"cmd": "time", "steps": K} -> {"ms": [..], "cpuMs": C} (wall time of each step; CPU time of all threads
over the K steps), {"cmd": "quit"}.

Where Keras (what the tfjs model follows) and PyTorch defaults differ, the Keras value is used:
  - BatchNormalization: momentum 0.99 (PyTorch's momentum is 1 - Keras'; its default 0.1 would be 0.9),
    epsilon 1e-3 (PyTorch 1e-5); statistics from the batch while training in both.
  - padding 'same': TensorFlow pads (total = max((out-1)*stride + k - in, 0)) with the odd pixel at the
    bottom/right. Where that is symmetric the PyTorch layer gets padding=p, as a PyTorch user writes it;
    otherwise (a stride-2 layer on an even size) an F.pad with TensorFlow's pads (-inf for max pooling).
  - initialisers: Glorot-uniform kernels and zero biases (Keras) instead of PyTorch's Kaiming-uniform.
  - Adam: epsilon 1e-7 (Keras) instead of 1e-8; learning rate 1e-3 and betas (0.9, 0.999) agree.
  - a Dense kernel_regularizer l2(f) adds f * sum(W^2) to the loss, as Keras does.
  - loss: cross-entropy on the logits of the final softmax's input (Keras clips the probabilities instead;
    same gradient except for saturated outputs, same work).
Layout: PyTorch's default NCHW (and its own choice of oneDNN kernels), what a user would run.
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def same_pads(size, kernel, stride, dilation=1):
    effective = (kernel - 1) * dilation + 1
    out = -(-size // stride)
    total = max((out - 1) * stride + effective - size, 0)
    return total // 2, total - total // 2, out


class Layer(nn.Module):
    """One Keras layer: a module (or None) and a function of its inputs (NCHW tensors)."""

    def __init__(self, module, forward):
        super().__init__()
        self.module = module
        self.forward_fn = forward

    def forward(self, inputs):
        return self.forward_fn(self.module, inputs)


class KerasGraph(nn.Module):
    def __init__(self, model_json):
        super().__init__()
        config = model_json["config"]
        self.order = []
        self.layers = nn.ModuleDict()
        self.inputs_of = {}
        self.l2 = []
        shapes = {}  # layer name -> (channels, height, width) or (features,)
        for layer in config["layers"]:
            name, cls, cfg = layer["name"], layer["class_name"], layer["config"]
            inbound = [node[0] for node in layer["inbound_nodes"][0]] if layer["inbound_nodes"] else []
            key = name.replace("/", "__")
            in_shapes = [shapes[i] for i in inbound]
            module, fn, shape = self.build(cls, cfg, in_shapes)
            self.layers[key] = Layer(module, fn)
            self.inputs_of[key] = [i.replace("/", "__") for i in inbound]
            self.order.append(key)
            shapes[name] = shape
            if cls == "Dense" and cfg.get("kernel_regularizer"):
                self.l2.append((module.weight, cfg["kernel_regularizer"]["config"]["l2"]))
        self.input_key = self.order[0]
        self.output_key = self.order[-1]

    def build(self, cls, cfg, in_shapes):
        if cls == "InputLayer":
            h, w, c = cfg["batch_input_shape"][1:]
            return None, None, (c, h, w)
        if cls == "Conv2D":
            c, h, w = in_shapes[0]
            (kh, kw), (sh, sw), (dh, dw) = cfg["kernel_size"], cfg["strides"], cfg["dilation_rate"]
            if cfg["padding"] == "same":
                top, bottom, ho = same_pads(h, kh, sh, dh)
                left, right, wo = same_pads(w, kw, sw, dw)
            else:
                top = bottom = left = right = 0
                ho, wo = (h - (kh - 1) * dh - 1) // sh + 1, (w - (kw - 1) * dw - 1) // sw + 1
            symmetric = top == bottom and left == right
            conv = nn.Conv2d(c, cfg["filters"], (kh, kw), (sh, sw), padding=(top, left) if symmetric else 0,
                             dilation=(dh, dw), bias=cfg["use_bias"])
            nn.init.xavier_uniform_(conv.weight)
            if conv.bias is not None:
                nn.init.zeros_(conv.bias)
            pads = (left, right, top, bottom)
            fn = (lambda m, x: m(x[0])) if symmetric else (lambda m, x, p=pads: m(F.pad(x[0], p)))
            return conv, fn, (cfg["filters"], ho, wo)
        if cls == "BatchNormalization":
            bn = nn.BatchNorm2d(in_shapes[0][0], eps=cfg["epsilon"], momentum=1 - cfg["momentum"])
            return bn, lambda m, x: m(x[0]), in_shapes[0]
        if cls == "Activation":
            act = cfg["activation"]
            if act == "relu":
                return None, lambda m, x: F.relu(x[0]), in_shapes[0]
            if act in ("linear", "softmax"):  # softmax: the loss takes the logits (see the module docstring)
                return None, lambda m, x: x[0], in_shapes[0]
            raise ValueError(f"activation {act} is not supported by the peer")
        if cls in ("MaxPooling2D", "AveragePooling2D"):
            c, h, w = in_shapes[0]
            (ph, pw), (sh, sw) = cfg["pool_size"], cfg["strides"]
            if cfg["padding"] == "same":
                top, bottom, ho = same_pads(h, ph, sh)
                left, right, wo = same_pads(w, pw, sw)
            else:
                top = bottom = left = right = 0
                ho, wo = (h - ph) // sh + 1, (w - pw) // sw + 1
            if cls == "AveragePooling2D" and any((top, bottom, left, right)):
                raise ValueError("'same' average pooling with padding is not supported by the peer")  # Keras excludes the pad
            symmetric = top == bottom and left == right
            padding = (top, left) if symmetric else 0
            pool = nn.MaxPool2d((ph, pw), (sh, sw), padding) if cls == "MaxPooling2D" else nn.AvgPool2d((ph, pw), (sh, sw))
            pads = (left, right, top, bottom)
            fill = float("-inf")
            fn = (lambda m, x: m(x[0])) if symmetric else (lambda m, x, p=pads: m(F.pad(x[0], p, value=fill)))
            return pool, fn, (c, ho, wo)
        if cls == "GlobalAveragePooling2D":
            return None, lambda m, x: x[0].mean(dim=(2, 3)), (in_shapes[0][0],)
        if cls == "Concatenate":
            if cfg["axis"] not in (-1, 3):
                raise ValueError("the peer concatenates on the channel axis only")
            c = sum(s[0] for s in in_shapes)
            return None, lambda m, x: torch.cat(x, dim=1), (c,) + tuple(in_shapes[0][1:])
        if cls == "Add":
            return None, lambda m, x: sum(x[1:], x[0]), in_shapes[0]
        if cls == "Flatten":
            size = 1
            for d in in_shapes[0]:
                size *= d
            # tfjs flattens NHWC; the order of features does not change the work, only which weight meets which.
            return None, lambda m, x: torch.flatten(x[0], 1), (size,)
        if cls == "Dense":
            dense = nn.Linear(in_shapes[0][0], cfg["units"], bias=cfg["use_bias"])
            nn.init.xavier_uniform_(dense.weight)
            if dense.bias is not None:
                nn.init.zeros_(dense.bias)
            if cfg.get("activation", "linear") not in ("linear", "softmax"):
                raise ValueError(f"Dense activation {cfg['activation']} is not supported by the peer")
            return dense, lambda m, x: m(x[0]), (cfg["units"],)
        raise ValueError(f"layer class {cls} is not supported by the peer")

    def forward(self, images):
        values = {self.input_key: images}
        for key in self.order[1:]:
            values[key] = self.layers[key]([values[i] for i in self.inputs_of[key]])
        return values[self.output_key]

    def regularisation(self):
        return sum(f * (w * w).sum() for w, f in self.l2) if self.l2 else 0.0


def main():
    torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else torch.get_num_threads())
    torch.manual_seed(1)
    state = {}
    for line in sys.stdin:
        request = json.loads(line)
        try:
            if request["cmd"] == "build":
                model = KerasGraph(request["model"])
                model.train()
                batch = request["batch"]
                state["model"] = model
                state["optimizer"] = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
                state["images"] = torch.rand(batch, 3, 32, 32)
                state["labels"] = torch.randint(0, 10, (batch,))
                params = sum(p.numel() for p in model.parameters())
                reply = {"ok": True, "params": params, "threads": torch.get_num_threads(), "torch": torch.__version__}
            elif request["cmd"] == "time":
                model, optimizer = state["model"], state["optimizer"]
                times = []
                cpu_started = time.process_time()
                for _ in range(request["steps"]):
                    started = time.perf_counter()
                    optimizer.zero_grad(set_to_none=True)
                    logits = model(state["images"])
                    loss = F.cross_entropy(logits, state["labels"]) + model.regularisation()
                    loss.backward()
                    optimizer.step()
                    loss.item()
                    times.append((time.perf_counter() - started) * 1000)
                reply = {"ms": times, "cpuMs": (time.process_time() - cpu_started) * 1000}
            elif request["cmd"] == "quit":
                return
            else:
                reply = {"error": f"unknown command {request['cmd']}"}
        except Exception as err:  # reported to the benchmark, which names the failing network
            reply = {"error": f"{type(err).__name__}: {err}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
