"""An e-mail backend that writes each message to a file in ROLPOOL_TEST_MAIL_DIR, so a
test can read what a worker process sent (the locmem backend keeps it in the worker)."""

import os

from django.core.mail.backends import filebased


class EmailBackend(filebased.EmailBackend):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, file_path=os.environ["ROLPOOL_TEST_MAIL_DIR"], **kwargs)
