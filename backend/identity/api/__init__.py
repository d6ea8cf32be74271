"""GraphQL of the domain."""
