"""``python -m chainrule`` runs the ``chainrule`` command."""

from chainrule.cli import main

main()
