"""Complaints and suggestions (投诉建议) about the app and how it is used, to the county."""
