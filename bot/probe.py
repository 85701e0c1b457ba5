"""`python -m bot.probe`: exit 0 when this container's /healthz answers 200, else 1 (the image's HEALTHCHECK).

Stdlib only, so a probe every 30 s costs milliseconds. It asks the Socket Mode worker's SRM_HEALTH_PORT when
that is set, else the web process's PORT (default 3000).
"""

from __future__ import annotations

import os
import sys
import urllib.request


def url(env: dict[str, str] | None = None) -> str:
    env = dict(os.environ) if env is None else env
    port = env.get("SRM_HEALTH_PORT", "").strip() or env.get("PORT", "").strip() or "3000"
    return f"http://127.0.0.1:{port}/healthz"


def main() -> int:
    try:
        with urllib.request.urlopen(url(), timeout=4) as r:
            return 0 if r.status == 200 else 1
    except Exception as exc:  # refused, timed out, 5xx: unhealthy, with the reason for `docker inspect`
        print(f"srm probe: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
