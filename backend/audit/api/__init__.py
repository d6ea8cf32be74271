"""The security log screen's GraphQL API (安全审计)."""
