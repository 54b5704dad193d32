"""A Redis cache that is never a single point of failure: an error or timeout is a miss.

Django's `RedisCache` raises when Redis is down or frozen, and so does every caller that reads
the cache directly (Wagtail's site root paths, for one), which turned a cache outage into a site
outage. This backend answers a failed read as a miss and a failed write as not stored, within
the socket timeout (100 ms by default in `cache_settings`). After a failure every thread of the
process skips Redis until a probe in a background thread (every `RETRY_AFTER` seconds) finds it
answering again, so a frozen Redis costs the requests in flight at that moment one timeout, and
no request after them. `incr` (and `decr`) keep raising (their callers decide what a
failed count means) but fail at once while Redis is skipped.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

RETRY_AFTER = 5.0

# When each cache location may be tried again, shared by the process's threads (Django keeps one
# backend instance per thread and alias).
_down_until: dict[str, float] = {}
_probing: set[str] = set()
_lock = threading.Lock()


class CacheUnavailable(ConnectionError):
    """The cache failed a moment ago and is skipped until `RETRY_AFTER` has passed."""


class KeptRedisClient(RedisCacheClient):
    """Django's Redis cache client, keeping one `redis.Redis` per connection pool.

    Django builds a new `redis.Redis` for every cache operation, which took as much CPU as the
    GET itself (about 0.18 ms each on the shared development VM, redis-py 8); every request reads
    the content version, and a cache hit reads nothing else. A `redis.Redis` over a pool is safe
    to share between threads.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(write))
            self._clients[index] = client
        return client


class ResilientRedisCache(RedisCache):
    """Django's Redis cache where a failing Redis reads as empty and writes as dropped."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("retry_after", RETRY_AFTER))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = KeptRedisClient
        self._location = server if isinstance(server, str) else ",".join(server)
        self._quick = threading.local()

    # Circuit -----------------------------------------------------------------------------------

    def available(self) -> bool:
        """False while a recent failure has the cache skipped; a background probe (never a
        request) finds out when it answers again."""
        until = _down_until.get(self._location)
        if until is None:
            return True
        if time.monotonic() >= until:
            self._probe_in_background()
        return False

    def _failed(self, operation: str, exc: Exception) -> None:
        with _lock:
            was_up = self._location not in _down_until
            _down_until[self._location] = time.monotonic() + self.retry_after
        if was_up:
            logger.warning(
                "cache unavailable (%s on %s); skipped until it answers again",
                exc.__class__.__name__,
                operation,
            )

    def _probe_in_background(self) -> None:
        with _lock:
            if self._location in _probing:
                return
            _probing.add(self._location)
        threading.Thread(target=self._probe, name="cache-probe", daemon=True).start()

    def _probe(self) -> None:
        try:
            self._cache.get_client(write=False).ping()
        except Exception:
            with _lock:
                _down_until[self._location] = time.monotonic() + self.retry_after
        else:
            with _lock:
                _down_until.pop(self._location, None)
            logger.warning("cache answers again")
        finally:
            with _lock:
                _probing.discard(self._location)

    def _call(self, operation: str, fallback: Any, *args: Any, **kwargs: Any) -> Any:
        if not self.available():
            return fallback
        try:
            return getattr(super(), operation)(*args, **kwargs)
        except Exception as exc:
            self._failed(operation, exc)
            return fallback

    # The one read every request makes ------------------------------------------------------------

    def get_quick(self, key: str, default: Any = None) -> Any:
        """`get(key, default)` over a connection this thread keeps to itself (made by the read
        pool's connection class and settings: the same server, database, password and TLS).

        The content version is read on every request, cache hits included, where the client's
        machinery (pool checkout, retry wrapper, response callbacks, the key checks) cost about
        as much CPU as the round trip itself. Same failure handling as `get`: skipped while the
        cache is down, a failure is a miss and opens the breaker."""
        if not self.available():
            return default
        local = self._quick
        connection = getattr(local, "connection", None)
        if connection is None or local.pid != os.getpid():
            pool = self._cache._get_connection_pool(False)
            connection = pool.connection_class(**pool.connection_kwargs)
            local.connection, local.pid = connection, os.getpid()
            local.keys = {}
        made = local.keys.get(key)
        if made is None:
            made = local.keys[key] = self.make_and_validate_key(key)
        from redis.exceptions import ConnectionError as RedisConnectionError

        for attempt in (1, 2):
            try:
                connection.send_command("GET", made)
                value = connection.read_response()
                break
            except Exception as exc:
                connection.disconnect()
                # A connection Redis closed (a restart, an idle timeout) is made again once, as
                # the client's own retry does; a timeout (a frozen Redis) is not waited twice.
                if attempt == 1 and isinstance(exc, RedisConnectionError):
                    continue
                self._failed("get", exc)
                return default
        return default if value is None else self._cache._serializer.loads(value)

    # Reads are misses, writes are dropped --------------------------------------------------------

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", False)

    # Counters keep raising, but at once while the cache is skipped -------------------------------

    def _count(self, operation: str, *args: Any) -> int:
        if not self.available():
            raise CacheUnavailable("the cache is skipped after a recent failure")
        try:
            return getattr(super(), operation)(*args)
        except ValueError:
            raise  # a missing key: Redis answered
        except Exception as exc:
            self._failed(operation, exc)
            raise

    def incr(self, key, delta=1, version=None):
        return self._count("incr", key, delta, version)
