"""Wagtail finds hooks here; the provider CMS itself lives in finder.cms."""

from finder.cms import enquiries, problem_reports, venues, wagtail_hooks  # noqa: F401  (registering the hooks is the import)
