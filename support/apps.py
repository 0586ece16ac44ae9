"""Support tickets and service levels."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("Support")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The support desk's error codes join the one catalogue of messages.
        from . import refusals  # noqa: F401
