from fastapi.testclient import TestClient

from app.main import app, get_cache, get_connection

client = TestClient(app)


class FakeCursor:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, query):
        assert query == "SELECT count(*) FROM items"

    def fetchone(self):
        return (3,)


class FakeConnection:
    queries = 0

    def cursor(self):
        FakeConnection.queries += 1
        return FakeCursor()


class FakeCache(dict):
    def set(self, key, value, ex=None):
        self[key] = str(value).encode()


def test_healthz_answers_ok():
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_summary_counts_items_once_then_uses_the_cache():
    cache = FakeCache()
    app.dependency_overrides[get_connection] = lambda: FakeConnection()
    app.dependency_overrides[get_cache] = lambda: cache
    try:
        first = client.get("/reports/summary")
        second = client.get("/reports/summary")
    finally:
        app.dependency_overrides.clear()
    assert first.json() == {"items": 3}
    assert second.json() == {"items": 3}
    assert FakeConnection.queries == 1
