"""Progress where the user is: plain lines in a log, a rich bar in a terminal (80 columns)."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from rich.console import Console

import chainrule as cr
from chainrule.training.progress import every_n, in_notebook, progress, terminal_bar

LINE = re.compile(r"^epoch (\d+)/(\d+) \[\d+:\d\d < ETA [-\d]+:[-\d]{2}\] cost \S+, accuracy ")


def _data():
    X = np.random.default_rng(0).standard_normal((2, 40))
    return X, (X[0:1] > 0).astype(float)


def _epochs_shown(text: str) -> list[int]:
    lines = text.splitlines()
    assert all(LINE.match(line) for line in lines), lines[:3]
    return [int(LINE.match(line).group(1)) for line in lines]


def test_verbose_1_redirected_writes_one_line_per_epoch(capsys):
    X, Y = _data()
    cr.Network([2, 3, 1], seed=0).fit(X, Y, epochs=12, learning_rate=0.1)
    assert _epochs_shown(capsys.readouterr().out) == list(range(1, 13))


def test_verbose_1_redirected_at_the_file_descriptor(capfd):
    X, Y = _data()
    cr.Network([2, 3, 1], seed=0).fit(X, Y, epochs=7, learning_rate=0.1, validation=0.25)
    out = capfd.readouterr().out
    assert _epochs_shown(out) == list(range(1, 8))
    assert "val cost" in out


def test_many_epochs_write_about_fifty_lines_and_the_last(capsys):
    X, Y = _data()
    cr.Network([2, 3, 1], seed=0).fit(X, Y, epochs=1234, learning_rate=0.1)
    shown = _epochs_shown(capsys.readouterr().out)
    step = every_n(1234)
    assert shown == [*range(step, 1234, step), 1234]
    assert len(shown) <= 51


def test_a_fit_stopped_early_ends_with_its_last_epoch(capsys):
    X, Y = _data()
    history = cr.Network([2, 3, 1], seed=0).fit(
        X, Y, epochs=5000, learning_rate=3.0, validation=0.5, early_stopping=3
    )
    assert len(history) < 5000
    assert _epochs_shown(capsys.readouterr().out)[-1] == len(history)


def test_verbose_2_is_a_line_per_epoch_and_0_is_silent(capsys):
    X, Y = _data()
    net = cr.Network([2, 3, 1], seed=0)
    net.fit(X, Y, epochs=120, learning_rate=0.1, verbose=2)
    assert _epochs_shown(capsys.readouterr().out) == list(range(1, 121))
    net.fit(X, Y, epochs=5, learning_rate=0.1, verbose=0)
    assert capsys.readouterr().out == ""
    with progress(1, 0, "accuracy") as advance:
        assert advance is None


@pytest.mark.parametrize("epochs", [30, 12_345])
def test_the_bar_at_80_columns_keeps_its_counter_and_eta(epochs):
    X, Y = _data()
    net = cr.Network([2, 3, 1], seed=0)
    history = net.fit(X, Y, epochs=3, learning_rate=0.1, validation=0.25, verbose=0)
    screen = io.StringIO()
    console = Console(file=screen, width=80, force_terminal=True, color_system=None)
    with terminal_bar(epochs, console) as advance:
        advance(history)
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\r", "", screen.getvalue())
    last_bar = [line for line in plain.splitlines() if line.startswith("epoch")][-1]
    assert re.search(rf"\b3/{epochs}\b", last_bar), last_bar
    assert re.search(r"\d:\d\d < ETA \d+:\d\d", last_bar), last_bar
    assert all(len(line) <= 80 for line in plain.splitlines())
    assert history.latest()[:40] in plain  # the metrics, on their own line


def test_not_in_a_notebook_here():
    assert not in_notebook()
