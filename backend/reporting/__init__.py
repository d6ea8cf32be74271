"""Reporting upward: the one table (一张表) the county sends to the level above."""
