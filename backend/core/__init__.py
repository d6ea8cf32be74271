"""What every domain uses: settings, the database, the error hierarchy, the ORM base, validation, pagination, the phone-made-id protocol, HTTP pieces."""
