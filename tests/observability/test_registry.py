"""The text exposition format and the bounded label helpers, without an app."""

from __future__ import annotations

from backend.observability.labels import OTHER, BoundedNames, error_code, method, status_class
from backend.observability.registry import Counter, Gauge, Histogram, Registry
from tests.observability.helpers import parse, value


def test_counter_histogram_and_gauge_render_in_text_format() -> None:
    registry = Registry()
    hits = registry.add(Counter("t_hits_total", "Hits.", ("route",)))
    latency = registry.add(Histogram("t_seconds", "Latency.", ("op",), buckets=(0.1, 1.0)))
    registry.add(Gauge("t_pool", "Pool.", lambda: 3))
    registry.add(Gauge("t_absent", "Absent.", lambda: None))
    hits.inc('/a"b\\c\n')
    hits.inc('/a"b\\c\n', amount=2)
    for seconds in (0.05, 0.1, 0.5, 7.0):
        latency.observe(seconds, "me")
    text = registry.render()
    assert "# TYPE t_hits_total counter\n" in text and "# TYPE t_seconds histogram\n" in text
    assert 't_hits_total{route="/a\\"b\\\\c\\n"} 3\n' in text
    assert "\nt_absent " not in text
    samples = parse(text)
    assert value(samples, "t_seconds_bucket", op="me", le="0.1") == 2  # le is inclusive
    assert value(samples, "t_seconds_bucket", op="me", le="1") == 3
    assert value(samples, "t_seconds_bucket", op="me", le="+Inf") == 4
    assert value(samples, "t_seconds_count", op="me") == 4
    assert value(samples, "t_seconds_sum", op="me") == 7.65
    assert value(samples, "t_pool") == 3


def test_bounded_names_cap_cardinality_and_refuse_odd_names() -> None:
    names = BoundedNames(cap=2)
    assert names("Dashboard") == "Dashboard"
    assert names("submitFiling") == "submitFiling"
    assert names("Third") == OTHER
    assert names("Dashboard") == "Dashboard"  # already admitted names stay
    assert names("has space") == OTHER and names("x" * 200) == OTHER and names(None) == OTHER


def test_small_label_helpers() -> None:
    assert status_class(204) == "2xx" and status_class(409) == "4xx"
    assert method("POST") == "POST" and method("BREW") == OTHER
    assert error_code("ALREADY_VOTED") == "ALREADY_VOTED" and error_code("POLL 7") == OTHER and error_code(7) == OTHER
