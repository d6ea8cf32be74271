"""The GraphQL API: types, queries and mutations over the service layer."""
