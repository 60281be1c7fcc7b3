from devtools.evaluation_factories import *  # noqa: F403  (moved; imports are being updated)
from devtools.evaluation_factories import TERM_START  # noqa: F401
