"""The ``check`` subcommand: trained nets from .npz (one or a batch) and from PyTorch state_dicts.

Expected verdicts from docs/theory.md §I: the I9 saddle (width 2 on I1's data, β = ½) is scaled, minimal, Clarke
stationary and *not* globally optimal (gap bound 0.53125); ψ(W*) of I1 is all four; I7's optimal net is Clarke
stationary only through the multiplier s = 1/3 at the tie.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

R15 = math.sqrt(1.5)
KEYS = ("scaled", "minimal", "nearly_minimal", "clarke_stationary", "globally_optimal", "clarke_residual",
        "balance_error", "gap", "offending_pairs")


@pytest.fixture
def i1(tmp_path):
    p = tmp_path / "i1.npz"
    np.savez(p, X=np.array([[-1.0], [1.0]]), y=np.array([1.0, 2.0]), beta=0.5)
    return str(p)


def test_check_batch_json(cli_json, tmp_path, i1):
    nets = tmp_path / "nets.npz"
    np.savez(nets, U=np.array([[[R15], [0.0]], [[R15], [-math.sqrt(0.5)]]]),
             alpha=np.array([[R15, 0.0], [R15, math.sqrt(0.5)]]))
    rows = cli_json(["check", str(nets), i1, "--json", "--quiet"])
    assert isinstance(rows, list) and len(rows) == 2
    for r in rows:
        for k in KEYS:
            assert k in r, k
    saddle, opt = rows
    assert (saddle["clarke_stationary"], saddle["globally_optimal"]) == ("holds", "violated")
    np.testing.assert_allclose(saddle["gap"], 0.53125, rtol=1e-9)
    assert [opt[k] for k in KEYS[:5]] == ["holds"] * 5


def test_check_torch_state_dict(cli_json, tmp_path):
    torch = pytest.importorskip("torch")
    X, y = np.array([[-1.0], [0.0], [1.0]]), np.array([0.0, 1.0, 0.0])  # SPEC §I, I7 (1-D with bias)
    data = tmp_path / "i7.csv"
    np.savetxt(data, np.c_[X, y], delimiter=",")
    a, b = math.sqrt(0.7), math.sqrt(0.6)
    model = torch.nn.Sequential(torch.nn.Linear(1, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1, bias=False))
    with torch.no_grad():
        model[0].weight.copy_(torch.tensor([[0.0], [b], [-b]]))
        model[0].bias.copy_(torch.tensor([a, 0.0, 0.0]))
        model[2].weight.copy_(torch.tensor([[a, -b, -b]]))
    sd = tmp_path / "net.pt"
    torch.save(model.state_dict(), sd)
    # β = 0.1 with MSELoss(mean) on n = 3 means weight_decay = 2β/n
    r = cli_json(["check", str(sd), str(data), "--torch-wd", str(2 * 0.1 / 3), "--json", "--quiet"])
    np.testing.assert_allclose(r["beta"], 0.1, rtol=1e-12)
    assert (r["clarke_stationary"], r["globally_optimal"], r["minimal"]) == ("holds", "holds", "holds")
    assert r["autodiff_residual"] > 1e-3  # autodiff's ReLU'(0) = 0 would call it non-stationary
    np.testing.assert_allclose(r["details"]["multipliers"][1], [1.0 / 3.0], atol=1e-6)  # float32 weights


@pytest.mark.parametrize("U,alpha,extra,needle", [
    (np.ones((2, 2)), np.ones(2), [], "NET"),                 # U with a bias column, no --bias
    (np.ones((2, 1)), np.ones(3), [], "NET"),                 # mismatched shapes
    (np.full((2, 1), np.nan), np.ones(2), [], "NET"),         # NaN weights
    (np.ones((2, 1)), np.ones(2), ["--beta", "0.5", "--torch-wd", "0.1"], "--torch-wd"),
])
def test_check_bad_input(cli_error, tmp_path, i1, U, alpha, extra, needle):
    p = tmp_path / "bad.npz"
    np.savez(p, U=U, alpha=alpha)
    err = cli_error(["check", str(p), i1, *extra, "--quiet"])
    assert needle in err


def test_train_then_check(cli_json, tmp_path, i1):
    """Train a batch on I1 (p* = 1.25, SPEC §I) and check it: every net's objective is ≥ p*; the nets reported
    globally optimal have objective p*; the saved batch round-trips."""
    out = tmp_path / "nets.npz"
    s = cli_json(["train", i1, "--width", "2", "3", "--seeds", "3", "--steps", "1500", "--lr", "0.05", "--out",
                  str(out), "--json", "--quiet"])
    assert s["nets"] == 6 and min(s["final_objective"]) >= 1.25 - 1e-12
    rows = cli_json(["check", str(out), i1, "--json", "--quiet"])
    assert len(rows) == 6
    for r, f in zip(rows, s["final_objective"]):
        np.testing.assert_allclose(r["objective"], f, rtol=1e-9)
        if r["globally_optimal"] == "holds":
            np.testing.assert_allclose(r["objective"], 1.25, rtol=1e-6)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_torch_trained_net_checks_with_the_right_beta(cli_json, tmp_path, reduction):
    """A real client: a net trained by PyTorch itself (SGD with weight_decay, MSELoss(reduction), float64) is
    loaded from its state_dict and checked.  The objective the checker reports must equal PyTorch's final loss
    (data term plus (wd/2)‖θ‖²) divided by 2c (c = 1/n or 1), which tests the conversion β = wd/(2c)."""
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((6, 2)), rng.standard_normal(6)
    data = tmp_path / "d.npz"
    np.savez(data, X=X, y=y)
    model = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1, bias=False)).double()
    wd = 0.05
    opt = torch.optim.SGD(model.parameters(), lr=0.05, weight_decay=wd)
    loss_fn = torch.nn.MSELoss(reduction=reduction)
    Xt, yt = torch.tensor(X), torch.tensor(y)
    for _ in range(3000):
        opt.zero_grad()
        loss = loss_fn(model(Xt).squeeze(-1), yt)
        loss.backward()
        opt.step()
    with torch.no_grad():
        data_term = float(loss_fn(model(Xt).squeeze(-1), yt))
        penalty = sum(float((p * p).sum()) for p in model.parameters())
    c = 1.0 / 6 if reduction == "mean" else 1.0
    sd = tmp_path / "net.pt"
    torch.save(model.state_dict(), sd)
    r = cli_json(["check", str(sd), str(data), "--torch-wd", str(wd), "--reduction", reduction, "--json",
                  "--quiet"])
    np.testing.assert_allclose(r["beta"], wd / (2 * c), rtol=1e-12)
    np.testing.assert_allclose(r["objective"], (data_term + 0.5 * wd * penalty) / (2 * c), rtol=1e-9)
    assert r["gap"] >= -1e-9  # weak duality: L_β(θ) ≥ D(ν̃)


def test_check_edge_nets(cli_json, cli_error, tmp_path, i1):
    """m = 0: the structural checks are 'not applicable' and the certificate refutes optimality (p* < ½‖y‖²);
    an all-zero net is Clarke stationary (0 is its gradient) but not optimal; a state_dict of another
    architecture is a one-line error naming what was expected."""
    torch = pytest.importorskip("torch")
    empty, zeros, other = tmp_path / "e.npz", tmp_path / "z.npz", tmp_path / "o.pt"
    np.savez(empty, U=np.zeros((0, 1)), alpha=np.zeros(0))
    np.savez(zeros, U=np.zeros((3, 1)), alpha=np.zeros(3))
    r = cli_json(["check", str(empty), i1, "--json", "--quiet"])
    assert (r["scaled"], r["clarke_stationary"], r["globally_optimal"]) == ("not applicable", "not applicable",
                                                                              "violated")
    r = cli_json(["check", str(zeros), i1, "--json", "--quiet"])
    assert (r["clarke_stationary"], r["globally_optimal"]) == ("holds", "violated")
    m = torch.nn.Sequential(torch.nn.Linear(1, 3), torch.nn.Tanh(), torch.nn.Linear(3, 2))
    torch.save(m.state_dict(), other)
    assert "bias=False" in cli_error(["check", str(other), i1, "--quiet"])


def test_landscape_command(cli_json, i1):
    """SPEC §I, I1 (m* = 2): width 1 never reaches p* = 1.25 (p*_1 = 1.375); width 4 from these seeds always does."""
    d = cli_json(["landscape", i1, "--width", "1", "4", "--seeds", "4", "--steps", "2000", "--lr", "0.05",
                  "--json", "--quiet"])
    assert d["m_star"] == 2 and d["certified"] is True
    w1, w4 = d["rows"]
    assert (w1["width"], w1["reached"]) == (1, 0) and w1["best_gap"] >= 0.125 - 1e-9
    assert (w4["width"], w4["reached"], w4["runs"]) == (4, 4, 4) and d["all_reach_width"] == 4
