"""The PostgreSQL migrations, one numbered SQL file each in ``postgresql/``, forward only.

Loaded with ``govservice.store.migrations.migrations("postgresql", package=__name__)``.
"""
