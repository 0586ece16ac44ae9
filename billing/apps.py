from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Billing's error codes join the one catalogue of messages (provisioning.messages).
        from . import messages  # noqa: F401
