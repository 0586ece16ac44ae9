"""Runs localstripe (a fake Stripe API for tests) bound to 127.0.0.1 with its own data file.

``python -m tests.billing.localstripe_server PORT DATAFILE``
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

from aiohttp import web
from localstripe import resources, server


def main() -> None:
    port, data = int(sys.argv[1]), Path(sys.argv[2])

    def dump(store: resources.Store) -> None:
        data.write_bytes(pickle.dumps(dict(store), protocol=pickle.HIGHEST_PROTOCOL))

    resources.Store.try_load_from_disk = lambda store: None  # type: ignore[method-assign]
    resources.Store.dump_to_disk = dump  # type: ignore[method-assign]
    web.run_app(server.app, host="127.0.0.1", port=port, print=None)


if __name__ == "__main__":
    main()
