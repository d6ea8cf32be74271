"""Ranking and grades (排名定档): the live ranking in SQL, snapshots, charts, the Excel sheet."""
