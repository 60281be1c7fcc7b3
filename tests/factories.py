from devtools.factories import *  # noqa: F403  (moved; imports are being updated)
from devtools.factories import coordinator, provider_index, provider_with_editor, venue_at  # noqa: F401
