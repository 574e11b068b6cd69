"""The ``chainrule`` command. Thin: every number it prints comes from the library.

``chainrule demo`` runs the main job (what ``make demo`` runs): a network on
scikit-learn's bundled breast-cancer data, with the output layer's formulas,
a gradient check, the falling cost and the held-out accuracy. ``chainrule``
alone prints the help; ``-h`` and ``--help`` work everywhere, ``--version``
prints the version.
"""

from __future__ import annotations

import typer
from rich.console import Console

from chainrule._version import __version__
from chainrule.adapters.cli.check import register as register_check_command
from chainrule.adapters.cli.options import user_errors
from chainrule.adapters.cli.training import register as register_training_commands
from chainrule.tools import datasets
from chainrule.tools.derive import Derivation, derive_all
from chainrule.tools.derive import derive as derive_pair
from chainrule.tools.derive_network import NetworkDerivation, derive_network
from chainrule.tools.gradcheck import gradcheck
from chainrule.tools.network import Network
from chainrule.training.trainer import evaluate

app = typer.Typer(
    help="chainrule: neural networks by backpropagation, in Andrew Ng's notation.",
    no_args_is_help=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
)
console = Console()
register_training_commands(app)
register_check_command(app)


def run_main_job(epochs: int = 600, learning_rate: float = 0.05, seed: int = 0) -> float:
    """Train [30, 16, 8, 1] relu/sigmoid/bce on breast cancer; return the test accuracy."""
    data = datasets.load("breast_cancer", seed=seed)
    net = Network([data.n_x, 16, 8, 1], hidden="relu", output="sigmoid", loss="bce", seed=seed)
    console.rule("[bold]chainrule: breast cancer, sigmoid output with log loss")
    console.print(
        f"{data.X_train.shape[1]} training and {data.X_test.shape[1]} test examples, "
        f"{data.n_x} standardized features; network {net.layer_dims}"
    )
    console.print("\n[bold]The output layer[/bold]")
    # markup=False: the formulas' brackets (dA[L], a[k]) are text, not rich styles.
    console.print(derive_pair(net.loss, net.activations[-1]).text(), markup=False)

    check = gradcheck(net, data.X_train[:, :32], data.Y_train[:, :32])
    verdict = "[green]ok[/green]" if check.passed() else "[red]FAILED[/red]"
    console.print(
        f"\n[bold]Gradient check[/bold] on 32 examples: difference {float(check):.2e} {verdict}"
    )

    console.print(
        f"\n[bold]Training[/bold] (full-batch gradient descent, learning rate {learning_rate})"
    )
    history = net.fit(data.X_train, data.Y_train, epochs=epochs, learning_rate=learning_rate)
    for epoch in [*range(0, epochs, max(1, epochs // 6)), epochs - 1]:
        console.print(f"  epoch {epoch + 1:>4}  cost {history[epoch]:.5f}")
    _, accuracy = evaluate(net, data.X_test, data.Y_test)
    console.print(f"\n[bold]Test accuracy[/bold]: {accuracy:.2%}")
    return accuracy


def _print_version(asked: bool) -> None:
    if asked:
        typer.echo(__version__)
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def default(
    ctx: typer.Context,
    version: bool = typer.Option(
        False, "--version", is_eager=True, callback=_print_version, help="Print the version."
    ),
) -> None:
    """chainrule: neural networks by backpropagation, in Andrew Ng's notation.

    Start with `chainrule demo`, the main job (what `make demo` runs).
    """
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit()


@app.command("demo")
def demo() -> None:
    """The main job: a [30, 16, 8, 1] network on breast cancer, its output layer's
    formulas, a gradient check, the falling cost and the test accuracy (about 40 s)."""
    run_main_job()


@app.command("version")
def version() -> None:
    """Print chainrule's version."""
    console.print(__version__)


@app.command("derive")
@user_errors
def derive(
    loss: str = typer.Option("bce", "--loss", "-l", help="A loss name, or a formula in a and y."),
    activation: str = typer.Option(
        "sigmoid", "--activation", "-g", help="An activation name, or a formula in z."
    ),
    output_format: str = typer.Option("text", "--format", "-f", help="text, latex or markdown."),
    all_pairs: bool = typer.Option(
        False, "--all", help="The table of every activation × loss in the catalog."
    ),
    network: str | None = typer.Option(
        None, "--network", help="Layer sizes, e.g. 4,3,1: derive backprop through every layer."
    ),
    hidden: str = typer.Option("relu", "--hidden", help="With --network: the hidden activation."),
    output: str | None = typer.Option(
        None, "--output", help="With --network: the output activation (default: --activation)."
    ),
    l2: float = typer.Option(0.0, "--l2", help="With --network: λ of the L2 term."),
    dropout: float | None = typer.Option(
        None, "--dropout", help="With --network: the dropout rate, 1 − keep_prob."
    ),
) -> None:
    """Derive dA[L], g'(Z[L]) and dZ[L] for an output pair, step by step (with --network,
    backprop through every layer)."""
    if output_format not in ("text", "latex", "markdown"):
        raise ValueError(f"--format must be text, latex or markdown, got {output_format!r}")
    if all_pairs:
        if output_format == "latex":
            raise ValueError("--all prints a text or markdown table, not latex")
        typer.echo(derive_all().markdown())
        return
    if network is None:
        derivation: Derivation | NetworkDerivation = derive_pair(loss, activation)
    else:
        try:
            layer_dims = [int(size) for size in network.split(",")]
        except ValueError:
            raise ValueError(f"--network takes sizes such as 4,3,1, got {network!r}") from None
        derivation = derive_network(
            layer_dims,
            hidden=hidden,
            output=output or activation,
            loss=loss,
            l2=l2,
            keep_prob=None if dropout is None else 1 - dropout,
        )
    rendered = {"text": derivation.text, "latex": derivation.latex, "markdown": derivation.markdown}
    typer.echo(rendered[output_format]())


def main() -> None:
    """Entry point of the ``chainrule`` script."""
    app()
