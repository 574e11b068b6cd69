"""The core: the model's two passes, cost, update and prediction; parameters, shapes, mistakes."""
