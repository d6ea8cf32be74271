"""The county's duty checklist (履职清单, 八个一 by default) as versioned data, and progress on it per
secretary, township and county (docs/DUTIES.md)."""
