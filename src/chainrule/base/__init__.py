"""The base layer: input checks, user-facing warnings and the catalog registry (NumPy only)."""
