"""Settings of the shop gunicorn serves in the fault tests: the test settings with
DEBUG off, so a failure answers with the page shoppers get, not a traceback."""

from tests.settings import *  # noqa: F403

DEBUG = False
