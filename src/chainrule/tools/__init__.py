"""Tools around the network: the ``Network`` facade, derivation, checking, files, plots, data."""
