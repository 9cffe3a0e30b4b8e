"""One training step of nonlin against the same step in PyTorch, on identical weights and data.

A step is exactly what the inner loop of `nl.train` runs for one batch: `nl.train_step_unchecked`,
i.e. forward pass, softmax cross-entropy (its value and its gradient), backward pass without the
gradient for the input, and a plain SGD update. Like nl.train, it checks the data once,
outside the timed step (`check_same_step` runs the checked step once and compares it with PyTorch). The
PyTorch step is the idiomatic one: nn.Linear layers, F.cross_entropy, loss.backward() (the input
needs no gradient, so none is computed) and torch.optim.SGD.

The matrix-product floor is the step's matrix products alone, in NumPy: x @ W for each layer in the
forward pass, xᵀ @ dz for each layer's dW, and dz @ Wᵀ for every layer but the first. No engine
can do the step with NumPy in less, so `nonlin ÷ floor` says how much the rest costs.
"""

import functools
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from timing import interleaved  # benchmarks/timing.py: bench.py runs with benchmarks/ on sys.path

import nonlin as nl

# Engines before the core/book split called it train_step(..., check=False): benchmarks/side_by_side.py
# times an earlier commit's engine with this harness.
UNCHECKED_STEP = getattr(nl, "train_step_unchecked", None) or functools.partial(nl.train_step, check=False)


@dataclass(frozen=True)
class Shape:
    name: str
    batch: int
    sizes: tuple  # layer widths, input first
    hidden: str  # activation of every hidden layer
    init: str

    def describe(self):
        widths = self.sizes
        if len(widths) > 6:  # 64-64-...-64-10
            widths = (widths[0], f"({widths[1]} x {len(widths) - 2})", widths[-1])
        return f"batch {self.batch}, {'-'.join(map(str, widths))}, {self.hidden}"


SHAPES = [
    Shape("tiny", batch=64, sizes=(2, 16, 16, 2), hidden="tanh", init="xavier"),
    Shape("medium", batch=256, sizes=(784, 256, 128, 10), hidden="relu", init="he"),
    # 20 hidden layers of 64 units between a 64-wide input and 10 classes; tanh, the activation
    # of the book's deep-network experiments (relu would make the activations nearly free).
    Shape("deep", batch=128, sizes=(64,) + (64,) * 20 + (10,), hidden="tanh", init="xavier"),
]

LEARNING_RATE = 0.01
TORCH_ACTIVATIONS = {"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid}


def make_data(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(shape.batch, shape.sizes[0])).astype(dtype)
    labels = rng.integers(0, shape.sizes[-1], size=shape.batch)
    return X, labels


def make_nonlin(shape, dtype):
    net = nl.MLP(shape.sizes, hidden=shape.hidden, output="identity", init=shape.init, seed=0, dtype=dtype)
    return net, nl.SGD(net.parameters(), lr=LEARNING_RATE)


def make_torch_twin(net):
    """A torch.nn.Sequential with exactly `net`'s weights (nn.Linear stores W transposed)."""
    modules = []
    for i, layer in enumerate(net.layers):
        linear = torch.nn.Linear(*layer.W.shape, dtype=torch.from_numpy(layer.W).dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(layer.W.T.copy()))
            linear.bias.copy_(torch.from_numpy(layer.b))
        modules.append(linear)
        if i < len(net.layers) - 1:
            modules.append(TORCH_ACTIVATIONS[layer.activation.name]())
    model = torch.nn.Sequential(*modules)
    return model, torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)


def nonlin_step(net, optimizer, X, labels, check=False):
    """One step exactly as nl.train runs it (its data checked once, before the loop); returns the loss.
    check=True runs the public, checked nl.train_step instead."""
    step = nl.train_step if check else UNCHECKED_STEP
    return step(net, nl.losses.cross_entropy, optimizer, X, labels)


def torch_backprop(model, optimizer, X, labels):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(X), labels)
    loss.backward()
    return loss


def torch_step(model, optimizer, X, labels):
    loss = torch_backprop(model, optimizer, X, labels)
    optimizer.step()
    return loss


def matmul_floor(net, X):
    """A function doing the step's matrix products alone, on arrays of the step's shapes and dtype."""
    rng = np.random.default_rng(1)
    weights = [layer.W for layer in net.layers]
    inputs = [X] + [rng.normal(size=(len(X), W.shape[1])).astype(X.dtype) for W in weights[:-1]]
    grads_z = [rng.normal(size=(len(X), W.shape[1])).astype(X.dtype) for W in weights]

    def products():
        for x, W in zip(inputs, weights):
            x @ W  # forward
        for i, (x, W, dz) in enumerate(zip(inputs, weights, grads_z)):
            x.T @ dz  # dW
            if i > 0:
                dz @ W.T  # gradient for the layer below

    return products


def check_same_step(shape, dtype):
    """One step on identical weights: nonlin and PyTorch agree on the loss, every gradient and every
    updated parameter. nonlin's step is the checked train_step, so the data are validated too."""
    X, labels = make_data(shape, dtype)
    net, optimizer = make_nonlin(shape, dtype)
    model, torch_optimizer = make_torch_twin(net)
    ours = nonlin_step(net, optimizer, X, labels, check=True)
    theirs = torch_step(model, torch_optimizer, torch.from_numpy(X), torch.from_numpy(labels))
    # float32 carries ~7 digits and the deep net sums 21 layers of products: compare each gradient
    # to its own largest entry (atol), as well as entry by entry (rtol).
    rtol, atol = (1e-4, 1e-5) if dtype == np.float32 else (1e-9, 1e-12)
    np.testing.assert_allclose(ours, theirs.item(), rtol=rtol, err_msg=f"{shape.name} {dtype.__name__}: loss")
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    for i, (layer, linear) in enumerate(zip(net.layers, linears)):
        for name, ours_g, theirs_g in (("dW", layer.dW, linear.weight.grad.numpy().T),
                                       ("db", layer.db, linear.bias.grad.numpy()),
                                       ("W after the update", layer.W, linear.weight.detach().numpy().T),
                                       ("b after the update", layer.b, linear.bias.detach().numpy())):
            np.testing.assert_allclose(ours_g, theirs_g, rtol=rtol, atol=atol * float(np.abs(theirs_g).max()),
                                       err_msg=f"{shape.name} {dtype.__name__}: layer {i} {name}")


def bench_step(shape, dtype, rounds, min_block_seconds):
    """Per-call seconds (one array per contender, paired by round) for nonlin, torch and the floor."""
    check_same_step(shape, dtype)
    X, labels = make_data(shape, dtype)
    net, optimizer = make_nonlin(shape, dtype)
    model, torch_optimizer = make_torch_twin(net)
    X_t, labels_t = torch.from_numpy(X), torch.from_numpy(labels)
    return interleaved(
        {
            "nonlin": lambda: nonlin_step(net, optimizer, X, labels),
            "torch": lambda: torch_step(model, torch_optimizer, X_t, labels_t),
            "floor": matmul_floor(net, X),
        },
        rounds=rounds,
        min_block_seconds=min_block_seconds,
    )
