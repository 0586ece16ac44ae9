from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatusConfig(AppConfig):
    name = "status"
    verbose_name = _("Statusseite")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The status page's error codes join the one catalogue of messages.
        from . import refusals  # noqa: F401
