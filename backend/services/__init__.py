"""Domain operations. Every function takes (session, actor, ...) and imports nothing from GraphQL."""
