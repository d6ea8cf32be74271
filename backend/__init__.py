"""驻村通 backend: Strawberry GraphQL on Starlette over SQLAlchemy async."""
