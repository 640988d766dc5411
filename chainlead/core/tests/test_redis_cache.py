"""The Redis cache backend (chainlead/core/redis_cache.py) against the Redis of this machine."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator

import pytest
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from chainlead.core.redis_cache import RedisCache

REDIS = "redis://127.0.0.1:6379/0"


@pytest.fixture
def cache() -> Iterator[RedisCache]:
    import redis

    try:
        redis.Redis.from_url(REDIS).ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):  # .ci/run starts Redis: a missing one there is a broken set-up
            pytest.fail("no Redis at 127.0.0.1:6379")
        pytest.skip("no Redis at 127.0.0.1:6379 (start redis-server to run this test)")
    # A key prefix of its own: other test runs may share this Redis database.
    made = RedisCache(REDIS, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}", "TIMEOUT": 60})
    yield made
    made.delete_many(["a", *(f"k{i}" for i in range(8))])  # not clear(): it flushes the database
    made.close()


def test_one_client_serves_every_call_and_threads_share_it(cache: RedisCache) -> None:
    assert isinstance(cache, DjangoRedisCache)
    client = cache._cache.get_client()
    assert cache._cache.get_client("any key", write=True) is client
    cache.set("a", {"n": 1})
    assert cache.get("a") == {"n": 1}

    seen: list[object] = []

    def work(i: int) -> None:
        cache.set(f"k{i}", i)
        seen.append((cache.get(f"k{i}"), cache._cache.get_client()))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(value for value, _ in seen) == list(range(8))
    assert all(used is client for _, used in seen)
