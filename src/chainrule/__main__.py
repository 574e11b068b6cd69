"""``python -m chainrule`` runs the ``chainrule`` command."""

from chainrule.adapters.cli import main

main()
