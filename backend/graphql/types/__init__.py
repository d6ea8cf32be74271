"""GraphQL object types; each wraps a model and resolves relations through DataLoaders."""
