"""The metric set. Importing this package registers every metric (each module calls `register`)."""

from quanzi.insight.metrics import commerce, overview, social  # noqa: F401
from quanzi.insight.metrics.registry import REGISTRY, Metric, register

__all__ = ["REGISTRY", "Metric", "register"]
