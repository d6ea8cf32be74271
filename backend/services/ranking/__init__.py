"""Rankings and grades (排名定档, DOMAIN.md section 6) computed set-based in SQL, published snapshots
and the leaders' comparisons."""
