"""Throwaway PostgreSQL databases for benchmarks and load tests, made next to a given server URL."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import dj_database_url


@contextmanager
def throwaway_postgres_database(url: str, prefix: str) -> Iterator[str]:
    """Create an empty database on the server ``url`` points at; yield its URL; drop it afterwards."""
    import psycopg

    config = dj_database_url.parse(url)
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    server = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**server) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(**server) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
