"""Reports service: read-only summaries over the items that the API writes to PostgreSQL, cached in Redis."""

import os
from functools import lru_cache

import psycopg
import redis
from fastapi import Depends, FastAPI

SUMMARY_KEY = "reports:summary:items"
CACHE_SECONDS = 60

app = FastAPI(title="reports")


def secret(name: str) -> str | None:
    """A secret from the file named by NAME_FILE (compose and Kubernetes mount them), else from NAME."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        with open(path, encoding="utf-8") as file:
            return file.read().strip()
    return os.environ.get(name)


def get_connection():
    """One connection per request; DATABASE_URL is a libpq URL without the password, which comes from a file."""
    settings = {"user": os.environ["DATABASE_USER"]} if "DATABASE_USER" in os.environ else {}
    password = secret("DATABASE_PASSWORD")
    if password:
        settings["password"] = password
    with psycopg.connect(os.environ["DATABASE_URL"], **settings) as connection:
        yield connection


@lru_cache
def get_cache() -> redis.Redis:
    # One client (and its connection pool) for the whole process.
    return redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://localhost:6379/0"), password=secret("REDIS_PASSWORD"))


@app.get("/healthz")
def healthz() -> dict[str, str]:
    # Liveness only: a database outage must not restart every replica.
    return {"status": "ok"}


@app.get("/reports/summary")
def summary(connection=Depends(get_connection), cache=Depends(get_cache)) -> dict[str, int]:
    cached = cache.get(SUMMARY_KEY)
    if cached is not None:
        return {"items": int(cached)}
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM items")
        (total,) = cursor.fetchone()
    cache.set(SUMMARY_KEY, total, ex=CACHE_SECONDS)
    return {"items": total}


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, host="0.0.0.0", port=int(os.environ.get("PORT", "8000")))
