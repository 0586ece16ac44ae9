"""A private Dovecot IMAP server on loopback for the inbound mail tests (docs/support.md, Mail).

It runs from its own configuration in a temporary folder: plaintext login on a free port above
20000, one mailbox user with a ``{PLAIN}`` password, maildirs owned by the ``mail`` user (Dovecot
refuses uid 0 for mail). Locally a test is skipped without ``dovecot`` installed, in CI it fails
(``tests.realservices.require``); ``.ci/run`` installs the Debian package ``dovecot-imapd``.
"""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.realservices import require

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
first_valid_uid = {uid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service auth {{
  unix_listener auth-userdb {{
    mode = 0666
  }}
}}
"""


@dataclass(frozen=True)
class Mailbox:
    host: str
    port: int
    user: str
    password: str

    def connect(self) -> imaplib.IMAP4:
        connection = imaplib.IMAP4(self.host, self.port, timeout=10)
        connection.login(self.user, self.password)
        return connection

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        connection = self.connect()
        try:
            connection.append(folder, "", imaplib.Time2Internaldate(time.time()), raw)
        finally:
            connection.logout()

    def count(self, criteria: str, folder: str = "INBOX") -> int:
        connection = self.connect()
        try:
            connection.select(folder)
            _typ, data = connection.search(None, criteria)
            return len(data[0].split())
        finally:
            connection.logout()


def free_port() -> int:
    """A free TCP port above 20000 on loopback."""
    for _ in range(200):
        port = 20000 + int.from_bytes(os.urandom(2), "big") % 40000
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port above 20000")


def _wait_for(port: int, log: Path, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), 0.5):
                return
        except OSError:
            time.sleep(0.05)
    detail = log.read_text() if log.exists() else ""
    raise RuntimeError(f"dovecot did not listen on {port}: {detail[-2000:]}")


def running_dovecot() -> Iterator[Mailbox]:
    """Start a private Dovecot, yield its mailbox, stop it and remove its folder."""
    require(os.path.exists(DOVECOT), "dovecot not installed (Debian: dovecot-imapd)")
    require(os.geteuid() == 0, "a private dovecot needs root here (it drops to the mail user)")
    mail_user = pwd.getpwnam("mail")
    root = Path(tempfile.mkdtemp(prefix="stimme-dovecot-"))
    root.chmod(0o755)
    (root / "mail").mkdir()
    os.chown(root / "mail", mail_user.pw_uid, mail_user.pw_gid)
    user, password = "support", "imap-test-password"
    (root / "passwd").write_text(f"{user}:{{PLAIN}}{password}\n")
    port = free_port()
    config = root / "dovecot.conf"
    config.write_text(
        CONFIG.format(root=root, port=port, uid=mail_user.pw_uid, gid=mail_user.pw_gid)
    )
    # The daemon keeps the descriptors it inherits: give it none to wait on.
    with open(root / "start.log", "w") as start_log:
        started = subprocess.run(
            [DOVECOT, "-c", str(config)],
            stdin=subprocess.DEVNULL,
            stdout=start_log,
            stderr=subprocess.STDOUT,
            timeout=30,
        )
    if started.returncode != 0:
        detail = (root / "start.log").read_text()
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"dovecot failed to start: {detail}")
    pid_file = root / "run" / "master.pid"
    try:
        _wait_for(port, root / "dovecot.log")
        yield Mailbox("127.0.0.1", port, user, password)
    finally:
        if pid_file.exists():
            pid = int(pid_file.read_text().strip())
            os.kill(pid, signal.SIGTERM)
            for _ in range(100):
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.05)
        shutil.rmtree(root, ignore_errors=True)
