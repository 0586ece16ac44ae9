from __future__ import annotations

import os

# pytest-django's live_server runs in a thread while Playwright's sync API drives an event
# loop in the test thread; Django refuses ORM calls from such a thread unless told otherwise.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
