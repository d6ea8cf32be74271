"""The role homes as task lists (what waits for each role today), each read in one request:
the secretary's home, the township's today, the county's overview. Read-only; computed through the
other domains' services and doors, a fixed number of SQL statements however large the county."""
