"""A multilayer perceptron in the row-vector convention: each layer computes f(x @ W + b).

    net = nl.MLP([2, 16, 16, 1], hidden="tanh", output="sigmoid", init="xavier", seed=0)
    out = net.forward(X)        # X has shape (N, 2); out has shape (N, 1)
    gX = net.backward(gout)     # gout = dL/dout; fills every layer's dW and db, returns dL/dX

Every public method checks what it is given (type, shape, finiteness) and names what it expected;
its `*_unchecked` twin trusts its caller and is what runs inside: `MLP.forward` checks X once and
calls each layer's `forward_unchecked`; `nl.train` checks its data once and then calls
`net.forward_unchecked` and `net.backward_unchecked` in every step.
"""

import numpy as np

from ._checks import as_float_array, whole
from .init import initial_weights
from .layernorm import LayerNorm
from .registry import get_activation
from .seeding import rng as make_rng


class Dense:
    """One layer: z = x @ W + b, a = activation(z). W has shape (n_in, n_out), b has shape (n_out,).

    Options (both for hidden layers of an MLP):
      norm: a LayerNorm; then z = LN(x @ W + b), so `z` is always what the activation sees.
      residual=True (needs n_in == n_out): the layer outputs x + a, an identity skip connection.

    Backward through the skip. With y = x + f(z), z = x W + b and G = dL/dy, the chain rule follows
    both paths from x to y:

        dL/dx = G ∂y/∂x = G (I + ∂f(z)/∂x) = G + (f'(z) ⊙ G) Wᵀ.

    The first term is the identity path: G reaches x unchanged, however small f'(z) is. In a deep
    stack of such layers the gradient at layer 1 is G plus correction terms, not a product of D
    factors f'(z) W that can shrink to nothing.
    """

    def __init__(self, W, b, activation, norm=None, residual=False):
        W = as_float_array(W, "W", "Dense")
        b = as_float_array(b, "b", "Dense").astype(W.dtype, copy=False)
        if W.ndim != 2 or b.shape != W.shape[1:]:
            raise ValueError(f"Dense: W must have shape (n_in, n_out) and b shape (n_out,); got W{W.shape}, b{b.shape}")
        self.W, self.b = W, b
        self.activation = get_activation(activation)
        self.norm = norm
        self.residual = bool(residual)
        if self.residual and W.shape[0] != W.shape[1]:
            raise ValueError(f"Dense: a residual layer needs as many outputs as inputs, got W of shape {W.shape}")
        self.dW, self.db = np.zeros_like(W), np.zeros_like(b)  # updated in place, so optimisers can hold them
        self.x = self.z = self.a = None

    def forward(self, x):
        """a = f(x @ W + b) for a batch x of shape (N, n_in); the layer keeps x, z and a for backward."""
        x = as_float_array(x, "x", "Dense.forward").astype(self.W.dtype, copy=False)
        if x.ndim != 2 or x.shape[1] != self.W.shape[0]:
            raise ValueError(f"Dense.forward: x must have shape (N, {self.W.shape[0]}), got {x.shape}")
        return self.forward_unchecked(x)

    def backward(self, grad_output, input_grad=True):
        """Fill dW and db from dL/d(output) (shape (N, n_out)); return dL/dx (None if input_grad=False)."""
        if self.x is None:
            raise RuntimeError("Dense.backward: call forward(x) first; backward reuses what forward stored")
        grad = as_float_array(grad_output, "grad_output", "Dense.backward").astype(self.W.dtype, copy=False)
        if grad.shape != self.a.shape:
            raise ValueError(f"Dense.backward: grad_output must have the output's shape {self.a.shape}, "
                             f"got {grad.shape}")
        return self.backward_unchecked(grad, input_grad)

    def forward_unchecked(self, x):
        self.x = x
        z = x @ self.W
        z += self.b  # in place: no second (N, n_out) array
        self.z = z if self.norm is None else self.norm.forward_unchecked(z)
        self.a = self.activation.value(self.z)  # kept: σ', tanh' and softmax's vjp are functions of it
        return x + self.a if self.residual else self.a

    def backward_unchecked(self, grad_output, input_grad=True):
        # Chain rule: dL/dz = f'(z) ⊙ dL/da (a vjp for softmax); then dL/dW = xᵀ dL/dz, dL/db = Σ_n dL/dz.
        grad_z = self.activation.backward(self.z, self.a, grad_output)
        if self.norm is not None:
            grad_z = self.norm.backward_unchecked(grad_z)  # now dL/d(x @ W + b)
        np.matmul(self.x.T, grad_z, out=self.dW)
        grad_z.sum(axis=0, out=self.db)
        if not input_grad:
            return None
        grad_x = grad_z @ self.W.T
        if self.residual:
            grad_x += grad_output  # the identity path: G passes to x unchanged
        return grad_x

    def parameters(self):
        """(parameter, gradient) pairs: (W, dW), (b, db), then the LayerNorm's (γ, dγ), (β, dβ) if any."""
        pairs = [(self.W, self.dW), (self.b, self.db)]
        return pairs if self.norm is None else pairs + self.norm.parameters()

    @property
    def shape(self):
        return self.W.shape

    def __repr__(self):
        extras = (", layer_norm" if self.norm is not None else "") + (", residual" if self.residual else "")
        return f"Dense({self.W.shape[0]} -> {self.W.shape[1]}, {self.activation!r}{extras})"


class MLP:
    """A stack of Dense layers. `hidden` is one activation for every hidden layer or a list, one each.

    init: "xavier", "he", "normal" (std init_scale, default 0.01) or "constant" (every weight equal
    to init_scale). init_gain multiplies every layer's initial weights (init="xavier", init_gain=4
    is "4x Xavier"). Biases start at 0. residual=True: every hidden layer whose input and output
    widths match outputs x + f(z). layer_norm=True: every hidden layer computes f(LN(x @ W + b)).
    """

    def __init__(self, sizes, hidden="tanh", output="identity", init="xavier", seed=0, dtype=np.float64,
                 init_scale=None, init_gain=1.0, residual=False, layer_norm=False):
        sizes = [whole(size, "every width in sizes", "MLP") for size in sizes]
        if len(sizes) < 2:
            raise ValueError(f"MLP: sizes must list at least an input and an output width; got {sizes}")
        if np.dtype(dtype) not in (np.float32, np.float64):
            raise ValueError(f"MLP: dtype must be float32 or float64, got {np.dtype(dtype)}")
        n_hidden = len(sizes) - 2
        hidden_acts = list(hidden) if isinstance(hidden, (list, tuple)) else [hidden] * n_hidden
        if len(hidden_acts) != n_hidden:
            raise ValueError(f"MLP: {n_hidden} hidden layers but {len(hidden_acts)} hidden activations were given")
        for act in [*hidden_acts, output]:
            if getattr(get_activation(act), "learnable", False):
                raise ValueError(f"MLP: {act!r} learns a parameter of its own, which nl.MLP does not train; for "
                                 "a fixed negative slope use nl.LeakyReLU(alpha) (the ReLU chapter derives PReLU's "
                                 "gradient)")
        rng = make_rng(seed)
        self.dtype = np.dtype(dtype)
        self.sizes = sizes
        self.layers = []
        for i, (n_in, n_out, act) in enumerate(zip(sizes[:-1], sizes[1:], [*hidden_acts, output])):
            is_hidden = i < n_hidden
            self.layers.append(Dense(
                initial_weights(init, n_in, n_out, rng, self.dtype, init_scale, init_gain),
                np.zeros(n_out, dtype=self.dtype),
                act,
                norm=LayerNorm(n_out, dtype=self.dtype) if layer_norm and is_hidden else None,
                residual=bool(residual) and is_hidden and n_in == n_out,
            ))
        self._forward_done = False

    def forward(self, X):
        """The network's output for a batch X of shape (N, n_in)."""
        return self.forward_unchecked(self.check_input(X, "MLP.forward"))

    def check_input(self, X, where="MLP"):
        """X as a finite (N, n_in) array of the network's dtype, or a clear error naming `where`."""
        X = as_float_array(X, "X", where).astype(self.dtype, copy=False)
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            hint = " (for 1-D data use X.reshape(-1, 1))" if X.ndim == 1 and self.sizes[0] == 1 else ""
            raise ValueError(
                f"{where}: the network takes inputs of width {self.sizes[0]}, so X must have shape "
                f"(N, {self.sizes[0]}); got shape {X.shape}{hint}"
            )
        return X

    __call__ = forward

    def forward_unchecked(self, X):
        """The forward pass without checks: X is a finite (N, n_in) array of the network's dtype."""
        for layer in self.layers:
            X = layer.forward_unchecked(X)
        self._forward_done = True
        return X

    def backward(self, grad_output, input_grad=True, trace=None):
        """Backpropagate dL/d(output); fill each layer's dW, db. Returns dL/dX (None if input_grad=False).

        `trace`, a list, receives dL/d(input of each layer), the last layer's first."""
        if not self._forward_done:
            raise RuntimeError("MLP.backward: call forward(X) first; backward reuses what forward stored")
        grad = as_float_array(grad_output, "grad_output", "MLP.backward").astype(self.dtype, copy=False)
        expected = self.layers[-1].a.shape
        if grad.shape != expected:
            raise ValueError(f"MLP.backward: grad_output must have the output's shape {expected}, got {grad.shape}")
        return self.backward_unchecked(grad, input_grad or trace is not None, trace)

    def backward_unchecked(self, grad, input_grad=True, trace=None):
        """The backward pass without checks: grad is dL/d(output), of the output's shape and dtype."""
        last = len(self.layers) - 1
        for i in range(last, -1, -1):
            grad = self.layers[i].backward_unchecked(grad, input_grad=input_grad or i > 0)
            if trace is not None:
                trace.append(grad)
        return grad

    def parameters(self):
        """A list of (parameter, gradient) pairs, layer by layer: (W, dW), (b, db), then LayerNorm's (γ, dγ),
        (β, dβ) where there is one. Optimisers update the first of each pair in place from the second."""
        return [pair for layer in self.layers for pair in layer.parameters()]

    n_parameters = property(lambda self: sum(p.size for p, _ in self.parameters()), doc="How many numbers are learned.")

    def __repr__(self):
        return "MLP(" + ", ".join(repr(layer) for layer in self.layers) + ")"
