from django.apps import AppConfig


class StatusConfig(AppConfig):
    name = "status"
    default_auto_field = "django.db.models.BigAutoField"
