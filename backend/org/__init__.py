"""The org tree (county → township → village), accounts, first-secretary records, household rosters, county settings, the Excel import; and the jurisdiction doors of the tree."""
