"""A stand-in for GOV.UK Notify's API on 127.0.0.1, for the tests: never the internet.

It speaks what the official client sends: POST /v2/notifications/email and /v2/notifications/sms with a JSON body and
``Authorization: Bearer <JWT>``, the token signed (HS256) with the API key's secret and its ``iss`` the service id;
it answers 201 with a notification as Notify does, 403 for a bad token, 400 for a bad body, or whatever status the
test sets (``fail_with``) to play a Notify that is down.
"""

import json
import threading
import uuid
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from notifications_python_client.authentication import decode_jwt_token, get_token_issuer
from notifications_python_client.errors import TokenError

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"esolplus_test-{SERVICE_ID}-{SECRET}"
REQUIRED = {"/v2/notifications/email": "email_address", "/v2/notifications/sms": "phone_number"}


class NotifyStandIn(ThreadingHTTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[dict] = []
        self.refused: list[tuple[int, str]] = []
        self.fail_with: int | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: NotifyStandIn

    def log_message(self, format, *args):  # keep the test output clean
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.server.fail_with:
            return self._answer(self.server.fail_with, {"errors": [{"error": "Exception", "message": "Internal"}]})
        token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
        try:
            if get_token_issuer(token) != SERVICE_ID or not decode_jwt_token(token, SECRET):
                raise TokenError("wrong service")
        except TokenError as error:
            return self._answer(403, {"errors": [{"error": "AuthError", "message": error.message}]})
        field = REQUIRED.get(self.path)
        data = json.loads(body or b"{}")
        if field is None:
            return self._answer(404, {"errors": [{"error": "NotFound", "message": self.path}]})
        if not data.get(field) or not data.get("template_id"):
            return self._answer(400, {"errors": [{"error": "BadRequestError", "message": f"{field} is required"}]})
        self.server.received.append({"path": self.path, **data})
        self._answer(201, {"id": str(uuid.uuid4()), "reference": data.get("reference"), "content": {}})

    def _answer(self, status: int, payload: dict) -> None:
        if status >= 300:
            self.server.refused.append((status, self.path))
        encoded = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(encoded)))
        self.end_headers()
        self.wfile.write(encoded)


@contextmanager
def notify_standin():
    server = NotifyStandIn()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def closed_port() -> int:
    """A port on 127.0.0.1 with nothing listening: connection refused, like a service that is down."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
