from django.apps import AppConfig

# Languages London's ESOL learners speak that Django has no built-in details for.
EXTRA_LANGUAGE_INFO = {
    "so": {"bidi": False, "code": "so", "name": "Somali", "name_local": "Soomaali"},
    "ti": {"bidi": False, "code": "ti", "name": "Tigrinya", "name_local": "ትግርኛ"},
}


class EsolPlusConfig(AppConfig):
    name = "esolplus"
    verbose_name = "ESOL Plus site"

    def ready(self):
        from django.conf import locale

        for code, info in EXTRA_LANGUAGE_INFO.items():
            locale.LANG_INFO.setdefault(code, info)

        from esolplus import tasks  # noqa: F401 - keeps each task that fails for good (tasks.keep_failed_task)
