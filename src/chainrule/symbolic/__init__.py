"""Symbolic maths: the safe formula parser and the algebra that derivations share."""
