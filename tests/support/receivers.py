"""Real alert targets on 127.0.0.1 for tests: a webhook receiver (HTTP POST, JSON bodies
recorded) and an SMTP server (aiosmtpd, messages recorded)."""

from __future__ import annotations

import json
import threading
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


class WebhookReceiver:
    """Records the JSON body of every POST; answers ``status`` (200 unless told)."""

    def __init__(self, port: int = 0, status: int = 200) -> None:
        self.posts: list[dict[str, Any]] = []
        self.status = status
        self._lock = threading.Lock()
        receiver = self

        class _Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"null")
                with receiver._lock:
                    receiver.posts.append({"path": self.path, "body": body})
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def bodies(self, path: str = "/hook") -> list[dict[str, Any]]:
        with self._lock:
            return [p["body"] for p in self.posts if p["path"] == path]


class _Collect:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), message_from_bytes(envelope.content))
        )
        return "250 OK"


class SmtpReceiver:
    """An SMTP server on 127.0.0.1 (aiosmtpd) keeping every message it receives."""

    def __init__(self, port: int) -> None:
        self._handler = _Collect()
        self.port = port
        self.controller = Controller(self._handler, hostname="127.0.0.1", port=port)

    @property
    def messages(self) -> list[tuple[str, list[str], Message]]:
        return list(self._handler.messages)

    def __enter__(self) -> SmtpReceiver:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


__all__ = ["SmtpReceiver", "WebhookReceiver"]
