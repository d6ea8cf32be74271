"""Observability: Prometheus metrics at /metrics and JSON logs with request ids and masking.

Nothing here may identify a voter: poll routes are never logged, and poll metrics are aggregate
counters (outcome + error code) with no poll id, receipt or timestamp of their own.
"""
