from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Demo content, benchmarks and load tests: tools for developers, kept out of the product apps."""

    name = "devtools"
    verbose_name = "Developer tools"
