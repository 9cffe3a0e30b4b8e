"""A multilayer perceptron in the row-vector convention: each layer computes f(x @ W + b).

    net = nl.MLP([2, 16, 16, 1], hidden="tanh", output="sigmoid", init="xavier", seed=0)
    out = net.forward(X)        # X has shape (N, 2); out has shape (N, 1)
    gX = net.backward(gout)     # gout = dL/dout; fills every layer's dW and db, returns dL/dX
"""

import numpy as np

from ._checks import as_float_array
from .init import initial_weights
from .registry import get_activation


class Dense:
    """One layer: z = x @ W + b, a = activation(z). W has shape (n_in, n_out), b has shape (n_out,)."""

    def __init__(self, W, b, activation):
        self.W, self.b = W, b
        self.activation = get_activation(activation)
        self.dW, self.db = np.zeros_like(W), np.zeros_like(b)  # updated in place, so optimisers can hold them
        self.x = self.z = None

    def forward(self, x):
        self.x = x
        self.z = x @ self.W + self.b
        return self.activation(self.z)

    def backward(self, grad_output, input_grad=True):
        # Chain rule: dL/dz = f'(z) ⊙ dL/da (a vjp for softmax); then dL/dW = xᵀ dL/dz, dL/db = Σ_n dL/dz.
        grad_z = self.activation.vjp(self.z, grad_output)
        self.dW[...] = self.x.T @ grad_z
        self.db[...] = grad_z.sum(axis=0)
        return grad_z @ self.W.T if input_grad else None

    @property
    def shape(self):
        return self.W.shape

    def __repr__(self):
        return f"Dense({self.W.shape[0]} -> {self.W.shape[1]}, {self.activation!r})"


class MLP:
    """A stack of Dense layers. `hidden` is one activation for every hidden layer or a list, one each."""

    def __init__(self, sizes, hidden="tanh", output="identity", init="xavier", seed=0, dtype=np.float64,
                 init_scale=None):
        sizes = [int(s) for s in sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"MLP: sizes must list at least an input and an output width, all >= 1; got {sizes}")
        if np.dtype(dtype) not in (np.float32, np.float64):
            raise ValueError(f"MLP: dtype must be float32 or float64, got {np.dtype(dtype)}")
        n_hidden = len(sizes) - 2
        hidden_acts = list(hidden) if isinstance(hidden, (list, tuple)) else [hidden] * n_hidden
        if len(hidden_acts) != n_hidden:
            raise ValueError(f"MLP: {n_hidden} hidden layers but {len(hidden_acts)} hidden activations were given")
        rng = np.random.default_rng(seed)
        self.dtype = np.dtype(dtype)
        self.sizes = sizes
        self.layers = [
            Dense(
                initial_weights(init, n_in, n_out, rng, self.dtype, init_scale),
                np.zeros(n_out, dtype=self.dtype),
                act,
            )
            for n_in, n_out, act in zip(sizes[:-1], sizes[1:], [*hidden_acts, output])
        ]
        self._forward_done = False

    def forward(self, X):
        X = as_float_array(X, "X", "MLP.forward").astype(self.dtype, copy=False)
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            hint = " (for 1-D data use X.reshape(-1, 1))" if X.ndim == 1 and self.sizes[0] == 1 else ""
            raise ValueError(
                f"MLP.forward: the network takes inputs of width {self.sizes[0]}, so X must have shape "
                f"(N, {self.sizes[0]}); got shape {X.shape}{hint}"
            )
        for layer in self.layers:
            X = layer.forward(X)
        self._forward_done = True
        return X

    __call__ = forward

    def backward(self, grad_output, input_grad=True):
        """Backpropagate dL/d(output); fill each layer's dW, db. Returns dL/dX (None if input_grad=False)."""
        if not self._forward_done:
            raise RuntimeError("MLP.backward: call forward(X) first; backward reuses what forward stored")
        grad = as_float_array(grad_output, "grad_output", "MLP.backward").astype(self.dtype, copy=False)
        expected = self.layers[-1].z.shape
        if grad.shape != expected:
            raise ValueError(f"MLP.backward: grad_output must have the output's shape {expected}, got {grad.shape}")
        for i, layer in reversed(list(enumerate(self.layers))):
            grad = layer.backward(grad, input_grad=input_grad or i > 0)
        return grad

    def parameters(self):
        """(parameter, gradient) pairs, W then b for each layer; both are updated in place."""
        return [pair for layer in self.layers for pair in ((layer.W, layer.dW), (layer.b, layer.db))]

    @property
    def n_parameters(self):
        return sum(p.size for p, _ in self.parameters())

    def __repr__(self):
        return "MLP(" + ", ".join(repr(layer) for layer in self.layers) + ")"
