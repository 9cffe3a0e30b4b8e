"""Each activation's value and its vector-Jacobian product, timed against the best NumPy/SciPy primitive
for the same function and against a plain copy of the input.

The primitive is the yardstick with a target (value ≤ 1.5x the primitive): it does the same work, so the
ratio says what nonlin's own code costs, whatever the CPU's vector units. The copy, `x.copy()`, reads
the input once and writes a freshly allocated output; its ratio is information only, since it depends
on the CPU's SIMD support (np.tanh in float32 is about 1.7 copies with AVX-512 and 5.5 without).
Elementwise activations run on 10^7 elements, softmax on a (10^5, 100) array (also 10^7 elements,
rows of 100 logits). Before timing, each value and VJP is compared with PyTorch's on a slice.
"""

import functools

import numpy as np
import scipy.special
import torch
import torch.nn.functional as F
from timing import interleaved

import nonlin as nl

N_ELEMENTS = 10**7
SOFTMAX_SHAPE = (10**5, 100)

# name -> (nonlin activation, the same function in PyTorch)
ACTIVATIONS = {
    "identity": (nl.identity, lambda x: x.clone()),
    "relu": (nl.relu, torch.relu),
    "leaky_relu": (nl.leaky_relu, lambda x: F.leaky_relu(x, nl.leaky_relu.alpha)),
    "sigmoid": (nl.sigmoid, torch.sigmoid),
    "tanh": (nl.tanh, torch.tanh),
    "elu": (nl.elu, lambda x: F.elu(x, nl.elu.alpha)),
    "softplus": (nl.softplus, lambda x: F.softplus(x, threshold=1000)),
    "silu": (nl.silu, F.silu),
    "gelu": (nl.gelu, F.gelu),  # both the exact erf form
    "softmax": (nl.softmax, lambda z: torch.softmax(z, dim=-1)),
}


# name -> the best NumPy/SciPy primitive for the same value (the list)
PRIMITIVES = {
    "relu": lambda x: np.maximum(x, 0),
    "tanh": np.tanh,
    "sigmoid": scipy.special.expit,  # precise in both tails, as nonlin's is
    "gelu": lambda x: x * scipy.special.ndtr(x),
    "softmax": lambda z: scipy.special.softmax(z, axis=-1),
}


@functools.cache
def make_input(shape, dtype, seed=0):
    """Inputs spread over both tails (std 3), and an upstream gradient of the same shape."""
    rng = np.random.default_rng(seed)
    return rng.normal(scale=3.0, size=shape).astype(dtype), rng.normal(size=shape).astype(dtype)


def check_against_torch(name, x, grad_output, n=100_000):
    """Value and VJP agree with PyTorch's float64 result (autograd) on the first n elements.

    PyTorch computes in float64 even for float32 input: its float32 GELU loses digits in the left
    tail, where nonlin's does not, and the check is about nonlin.
    """
    activation, torch_fn = ACTIVATIONS[name]
    rows = n if x.ndim == 1 else n // x.shape[-1]
    x, grad_output = x[:rows], grad_output[:rows]
    x_t = torch.from_numpy(x.astype(np.float64)).requires_grad_()
    y_t = torch_fn(x_t)
    y_t.backward(torch.from_numpy(grad_output.astype(np.float64)))
    rtol, atol = (1e-5, 1e-6) if x.dtype == np.float32 else (1e-10, 1e-12)
    where = f"{name} {x.dtype}"
    np.testing.assert_allclose(activation(x), y_t.detach().numpy(), rtol=rtol, atol=atol, err_msg=where + " value")
    np.testing.assert_allclose(activation.vjp(x, grad_output), x_t.grad.numpy(), rtol=rtol, atol=atol,
                               err_msg=where + " vjp")


def bench_activation(name, dtype, rounds, min_block_seconds, budget_seconds):
    """Per-call seconds of copy, value and VJP, paired by round."""
    activation, _ = ACTIVATIONS[name]
    x, grad_output = make_input(SOFTMAX_SHAPE if name == "softmax" else (N_ELEMENTS,), dtype)
    check_against_torch(name, x, grad_output)
    contenders = {"copy": lambda: x.copy(), "value": lambda: activation(x),
                  "vjp": lambda: activation.vjp(x, grad_output)}
    if name in PRIMITIVES:
        primitive = PRIMITIVES[name]
        rtol = 1e-5 if dtype == np.float32 else 1e-12
        np.testing.assert_allclose(primitive(x[:1000]), activation(x[:1000]), rtol=rtol, atol=1e-30,
                                   err_msg=f"{name}: the primitive computes the same function")
        contenders["primitive"] = lambda: primitive(x)
    return interleaved(
        contenders,
        rounds=rounds,
        min_block_seconds=min_block_seconds,
        budget_seconds=budget_seconds,
    )
