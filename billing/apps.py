from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Abrechnung")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Billing's error codes join the one catalogue of messages (provisioning.messages).
        from . import messages  # noqa: F401
