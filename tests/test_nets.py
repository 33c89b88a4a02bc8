"""Nets and the maps ψ, φ, splitting, permutation, zero-padding (docs/theory.md §A.4–A.5); files; PyTorch conventions."""

from __future__ import annotations

import os

import numpy as np
import pytest
from numpy.testing import assert_allclose

import geom
from geom.exceptions import DataFileError, InvalidInputError
from geom.nets import Net, augment, beta_from_torch, load_net, permute, phi, psi, save_net, split_neuron, zero_pad


def _net(seed=0, m=4, d=3, bias=False):
    rng = np.random.default_rng(seed)
    return Net(rng.standard_normal((m, d + int(bias))), rng.standard_normal(m), bias=bias)


def _data(seed=1, n=7, d=3):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, d)), rng.standard_normal(n)


def _convex_objective(X, y, beta, pats, U, V):
    fit = np.einsum("kn,kn->n", pats, U @ X.T) - np.einsum("kn,kn->n", pats, V @ X.T)
    return 0.5 * np.sum((fit - y) ** 2) + beta * (np.linalg.norm(U, axis=1).sum() + np.linalg.norm(V, axis=1).sum())


@pytest.mark.parametrize("bias", [False, True])
def test_phi_preserves_fit_and_lowers_penalty(bias):
    """φ is feasible for (C) with the same fit and a convex objective ≤ L_β (docs/theory.md §A.3 fact 1)."""
    net, (X, y) = _net(bias=bias), _data()
    pats, U, V = phi(net, X)
    Xa = augment(X, bias)
    for k in range(pats.shape[0]):  # every slot lies in its pattern's cone
        B = np.where(pats[k][:, None], Xa, -Xa)
        assert np.all(B @ U[k] >= -1e-12) and np.all(B @ V[k] >= -1e-12)
    fit = np.einsum("kn,kn->n", pats, U @ Xa.T) - np.einsum("kn,kn->n", pats, V @ Xa.T)
    assert_allclose(fit, net.output(X), atol=1e-12)
    assert _convex_objective(Xa, y, 0.3, pats, U, V) <= net.objective(X, y, 0.3) + 1e-12


def test_psi_then_phi_round_trip_and_scaling():
    rng = np.random.default_rng(5)
    U, V = rng.standard_normal((3, 2)), rng.standard_normal((3, 2))
    net = psi(U, V)
    assert net.width == 6 and net.is_scaled()
    assert_allclose(np.sign(net.alpha), [1, 1, 1, -1, -1, -1])
    # penalty preserved: (β/2)(‖u‖² + α²) = β‖z‖ per neuron
    assert_allclose(0.5 * (np.sum(net.U ** 2) + np.sum(net.alpha ** 2)),
                    np.linalg.norm(U, axis=1).sum() + np.linalg.norm(V, axis=1).sum(), rtol=1e-14)
    # ψ then φ: same fit, and the merged penalty is ≤ (triangle inequality; equality iff merged slots are colinear)
    X = rng.standard_normal((5, 2))
    pats, Up, Vp = phi(net, X)
    fit = np.einsum("kn,kn->n", pats, Up @ X.T) - np.einsum("kn,kn->n", pats, Vp @ X.T)
    assert_allclose(fit, net.output(X), atol=1e-12)
    merged = np.linalg.norm(Up, axis=1).sum() + np.linalg.norm(Vp, axis=1).sum()
    assert merged <= np.linalg.norm(U, axis=1).sum() + np.linalg.norm(V, axis=1).sum() + 1e-12
    # one neuron per signed pattern (X = I: the signed patterns of distinct-orthant neurons differ): equality
    single = psi(np.array([[1.0, 2.0]]), np.array([[-3.0, 1.0]]))
    pats, Up, Vp = phi(single, np.eye(2))
    assert_allclose(np.linalg.norm(Up, axis=1).sum() + np.linalg.norm(Vp, axis=1).sum(), np.sqrt(5) + np.sqrt(10),
                    rtol=1e-14)


def test_split_permute_pad_preserve_output_and_objective():
    net, (X, y) = _net(), _data()
    ref_out, ref_obj = net.output(X), net.objective(X, y, 0.2)
    for other in (split_neuron(net, 1, [0.2, 0.3, 0.5]), permute(net, [3, 1, 0, 2]), zero_pad(net, 7)):
        assert_allclose(other.output(X), ref_out, rtol=1e-13, atol=1e-13)
        assert_allclose(other.objective(X, y, 0.2), ref_obj, rtol=1e-13)
    assert split_neuron(net, 1, [0.5, 0.5]).width == 5
    with pytest.raises(InvalidInputError, match="'gammas' parameter of split_neuron"):
        split_neuron(net, 0, [0.7, 0.7])
    with pytest.raises(InvalidInputError, match="'m' parameter of zero_pad"):
        zero_pad(net, 2)


def test_batched_nets_match_single_nets():
    rng = np.random.default_rng(9)
    U, a = rng.standard_normal((5, 3, 2)), rng.standard_normal((5, 3))
    X, y = _data(d=2)
    batch = Net(U, a)
    outs = batch.output(X)
    assert outs.shape == (5, X.shape[0])
    for b in range(5):
        assert_allclose(outs[b], Net(U[b], a[b]).output(X), rtol=1e-14)
        assert_allclose(batch.objective(X, y, 0.1)[b], Net(U[b], a[b]).objective(X, y, 0.1), rtol=1e-14)


def test_save_load_round_trip(tmp_path):
    net = _net(bias=True)
    save_net(net, tmp_path / "n.npz")
    back = load_net(tmp_path / "n.npz")
    assert back.bias and back.width == net.width
    assert_allclose(back.U, net.U, rtol=0, atol=0)  # an npz round trip is bit-exact
    assert_allclose(back.alpha, net.alpha, rtol=0, atol=0)
    assert not list(tmp_path.glob("*.tmp"))
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    with pytest.raises(DataFileError, match="bad.npz"):
        load_net(tmp_path / "bad.npz")
    np.savez(tmp_path / "w.npz", W=np.ones(2))
    with pytest.raises(DataFileError, match=r"lacks arrays 'U', 'alpha'.*got arrays \['W'\]"):
        load_net(tmp_path / "w.npz")


def test_shape_mismatch_is_reported():
    net = _net(d=3)
    with pytest.raises(InvalidInputError, match=r"'X' parameter of Net.output must be of shape \(n, 3\)"):
        net.output(np.ones((4, 2)))


def test_torch_state_dict_and_beta_factor():
    """PyTorch: mean MSE + weight_decay wd minimizes c‖f−y‖² + (wd/2)‖θ‖² with c = 1/n, which is 2c·L_β with
    β = n·wd/2; the gradients of the two objectives are parallel with factor 2c."""
    torch = pytest.importorskip("torch")
    X, y = _data()
    net = _net(bias=True)
    model = geom.net_to_torch(net)
    back = geom.net_from_torch(model.state_dict())
    assert back.bias and back.width == net.width
    assert_allclose(back.U, net.U, rtol=1e-15)
    assert_allclose(back.alpha, net.alpha, rtol=1e-15)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    assert_allclose(model(Xt).detach().numpy()[:, 0], net.output(X), rtol=1e-12)
    n, wd = X.shape[0], 1e-2
    beta = beta_from_torch(wd, n)
    loss = torch.nn.functional.mse_loss(model(Xt)[:, 0], yt)
    reg = 0.5 * wd * sum((p ** 2).sum() for p in model.parameters())  # what SGD's weight_decay differentiates
    (loss + reg).backward()
    g_torch = model[0].weight.grad.numpy()
    gU, _ = geom.relu_gradients(augment(X, True), y, net.U, net.alpha, beta)
    assert_allclose(g_torch, (2.0 / n) * gU[:, :3], rtol=1e-10, atol=1e-12)
    assert_allclose(float((loss + reg).detach()), (2.0 / n) * net.objective(X, y, beta), rtol=1e-12)
    with pytest.raises(DataFileError, match="0.weight"):
        geom.net_from_torch({"w": torch.zeros(1)})


# ---- files: regressions of the CLI fuzz ------------------------------------------------------------------------

@pytest.mark.parametrize("make, match", [
    (lambda p: p.write_bytes(b""), r"is not a \.npz archive.*an empty file"),
    (lambda p: p.write_bytes(b"PK\x03\x04\x14\x00"), r"is not a readable \.npz archive"),
    (lambda p: np.savez(p, U=np.array([["a", "b"]]), alpha=np.array(["c"])), r"array 'U' of a non-real dtype.*<U1"),
    (lambda p: np.savez(p, U=np.ones((1, 2)) * (1 + 1j), alpha=np.ones(1)), r"'U' of a non-real dtype.*complex128"),
    (lambda p: np.savez(p, U=np.ones((2, 2)), alpha=np.array([np.nan, 1.0])), r"non-finite weights in 'alpha'"),
    (lambda p: np.savez(p, U=np.ones((2, 2)), alpha=np.ones(3)), r"wrong shapes.*got U \(2, 2\) and alpha \(3,\)"),
    (lambda p: np.savez(p, U=np.ones((2, 0)), alpha=np.ones(2)), r"wrong shapes.*d ≥ 1"),
    (lambda p: np.savez(p, U=np.ones((2, 2)), alpha=np.ones(2), bias=np.ones(3)), r"invalid 'bias'"),
    (lambda p: np.savez(p, U=np.ones((2, 2)), alpha=np.ones(2), bias=np.array(2)), r"invalid 'bias'"),
])
def test_load_net_refuses_bad_files_with_one_domain_error(tmp_path, make, match):
    p = tmp_path / "net.npz"
    make(p)
    with pytest.raises(DataFileError, match=match) as info:
        load_net(p)
    assert f"Net file '{p}'" in str(info.value)


def test_load_net_truncated_archive_and_npy_content(tmp_path):
    save_net(_net(), tmp_path / "full.npz")
    full = (tmp_path / "full.npz").read_bytes()
    (tmp_path / "cut.npz").write_bytes(full[:-40])
    with pytest.raises(DataFileError, match=r"cut\.npz' is not a readable \.npz archive"):
        load_net(tmp_path / "cut.npz")
    with open(tmp_path / "npy.npz", "wb") as f:
        np.save(f, np.ones((2, 2)))
    with pytest.raises(DataFileError, match=r"a single NumPy \.npy array"):
        load_net(tmp_path / "npy.npz")


def test_net_refuses_complex_and_text_weights_instead_of_truncating():
    """Regression: complex weights were accepted with the imaginary part silently dropped."""
    with pytest.raises(geom.InvalidInputTypeError, match=r"The 'U' parameter of Net must be a real array.*"
                                                         r"complex128"):
        Net(np.ones((1, 2)) * (1 + 1j), np.ones(1))
    with pytest.raises(geom.InvalidInputTypeError, match=r"The 'alpha' parameter of Net must be a real array"):
        Net(np.ones((1, 2)), np.array(["1"]))
    with pytest.raises(geom.InvalidInputTypeError, match="entries that are not real numbers"):
        Net(np.ones((1, 2)), np.array([object()]))
    assert Net(np.array([[1, 2]]), np.array([True])).U.dtype == np.float64


def test_save_net_failure_names_the_target_and_leaves_nothing(tmp_path):
    with pytest.raises(DataFileError, match=r"Cannot write '.*/missing/n\.npz': expected an existing directory"):
        save_net(_net(), tmp_path / "missing" / "n.npz")
    save_net(_net(), tmp_path / "n.npz")
    assert os.listdir(tmp_path) == ["n.npz"]


def test_torch_load_is_called_with_weights_only(tmp_path, monkeypatch):
    torch = pytest.importorskip("torch")
    model = geom.net_to_torch(_net(bias=True))
    torch.save(model.state_dict(), tmp_path / "sd.pt")
    calls = []
    real_load = torch.load

    def spy(*args, **kwargs):
        calls.append(kwargs.get("weights_only"))
        return real_load(*args, **kwargs)

    monkeypatch.setattr(torch, "load", spy)
    back = geom.net_from_torch(tmp_path / "sd.pt")
    assert calls == [True] and back.bias and back.width == 4
    torch.save({"0.weight": _Opaque(), "2.weight": torch.ones(1, 4)}, tmp_path / "obj.pt")  # arbitrary pickle
    with pytest.raises(DataFileError, match=r"not readable with torch\.load\(weights_only=True\)"):
        geom.net_from_torch(tmp_path / "obj.pt")
    torch.save({"0.weight": torch.ones(2, 3, dtype=torch.complex64), "2.weight": torch.ones(1, 2)},
               tmp_path / "c.pt")
    with pytest.raises(DataFileError, match=r"'0\.weight' must be a real 2-D tensor. Got a 2-D tensor of "
                                            r"torch\.complex64"):
        geom.net_from_torch(tmp_path / "c.pt")
    with pytest.raises(DataFileError, match="is a directory: expected a regular PyTorch file"):
        geom.net_from_torch(tmp_path)


class _Opaque:
    """An object that ``torch.load(weights_only=True)`` must refuse to unpickle."""


def test_missing_torch_is_a_backend_error(monkeypatch):
    """Without PyTorch the torch entry points raise BackendUnavailableError naming the extra (not ImportError
    from deep inside)."""
    import builtins

    real_import = builtins.__import__

    def no_torch(name, *args, **kwargs):
        if name == "torch" or name.startswith("torch."):
            raise ImportError("No module named 'torch'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_torch)
    with pytest.raises(geom.exceptions.BackendUnavailableError, match=r"net_to_torch needs PyTorch.*\[torch\]"):
        geom.net_to_torch(geom.Net(np.ones((1, 2)), np.ones(1)))
