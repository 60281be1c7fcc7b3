"""An email backend for the worker-process tests: it notes that sending began, takes a few seconds (long enough to
kill the worker mid-job), then writes the message to a file, one file per message."""

import os
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def __init__(self, *args, **kwargs):
        self.folder = Path(os.environ["SLOW_MAIL_DIR"])
        super().__init__(*args, file_path=str(self.folder / "sent"), **kwargs)

    def send_messages(self, email_messages):
        (self.folder / f"started-{os.getpid()}").touch()
        time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "3")))
        return super().send_messages(email_messages)
