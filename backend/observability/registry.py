"""A minimal in-process metrics registry rendered in the Prometheus text format (version 0.0.4).

Written here rather than taking `prometheus-client`: we need counters, histograms and gauges read
at scrape time, per app instance (tests build many apps), in about a hundred lines with no globals.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from typing import TypeVar

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

Labels = tuple[str, ...]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(names: Iterable[str], values: Iterable[str], extra: str = "") -> str:
    pairs = [f'{name}="{_escape(value)}"' for name, value in zip(names, values, strict=True)]
    if extra:
        pairs.append(extra)
    return "{" + ",".join(pairs) + "}" if pairs else ""


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class Counter:
    kind = "counter"

    def __init__(self, name: str, help_text: str, label_names: Labels = ()) -> None:
        self.name, self.help, self.label_names = name, help_text, label_names
        self._values: dict[Labels, float] = {}

    def inc(self, *labels: str, amount: float = 1.0) -> None:
        self._values[labels] = self._values.get(labels, 0.0) + amount

    def value(self, *labels: str) -> float:
        return self._values.get(labels, 0.0)

    def samples(self) -> Iterable[str]:
        for labels, value in sorted(self._values.items()):
            yield f"{self.name}{_labels(self.label_names, labels)} {_number(value)}"


class Histogram:
    kind = "histogram"

    def __init__(
        self, name: str, help_text: str, label_names: Labels = (), buckets: tuple[float, ...] = LATENCY_BUCKETS
    ) -> None:
        self.name, self.help, self.label_names, self.buckets = name, help_text, label_names, buckets
        self._series: dict[Labels, list[float]] = {}  # per-bucket counts (not cumulative), +Inf, sum

    def observe(self, seconds: float, *labels: str) -> None:
        series = self._series.get(labels)
        if series is None:
            series = self._series[labels] = [0.0] * (len(self.buckets) + 2)
        series[bisect_left(self.buckets, seconds)] += 1
        series[-1] += seconds

    def count(self, *labels: str) -> int:
        series = self._series.get(labels)
        return int(sum(series[:-1])) if series else 0

    def samples(self) -> Iterable[str]:
        for labels, series in sorted(self._series.items()):
            running = 0.0
            for bound, hits in zip((*self.buckets, float("inf")), series[:-1], strict=True):
                running += hits
                le = 'le="+Inf"' if bound == float("inf") else f'le="{_number(bound)}"'
                yield f"{self.name}_bucket{_labels(self.label_names, labels, le)} {_number(running)}"
            yield f"{self.name}_sum{_labels(self.label_names, labels)} {_number(series[-1])}"
            yield f"{self.name}_count{_labels(self.label_names, labels)} {_number(running)}"


class Gauge:
    """Read when scraped: `read()` returns the current value (None → no sample)."""

    kind = "gauge"

    def __init__(self, name: str, help_text: str, read: Callable[[], float | None]) -> None:
        self.name, self.help, self.label_names, self._read = name, help_text, (), read

    def samples(self) -> Iterable[str]:
        value = self._read()
        if value is not None:
            yield f"{self.name} {_number(value)}"


Metric = Counter | Histogram | Gauge
_M = TypeVar("_M", Counter, Histogram, Gauge)


class Registry:
    def __init__(self) -> None:
        self._metrics: list[Metric] = []

    def add(self, metric: _M) -> _M:
        self._metrics.append(metric)
        return metric

    def render(self) -> str:
        lines: list[str] = []
        for metric in self._metrics:
            lines.append(f"# HELP {metric.name} {metric.help}")
            lines.append(f"# TYPE {metric.name} {metric.kind}")
            lines.extend(metric.samples())
        return "\n".join(lines) + "\n"
