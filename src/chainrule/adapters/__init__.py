"""Adapters: chainrule seen through other tools' interfaces (scikit-learn, the command line)."""
