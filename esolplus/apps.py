from django.apps import AppConfig


class EsolPlusConfig(AppConfig):
    name = "esolplus"
    verbose_name = "ESOL Plus site"
