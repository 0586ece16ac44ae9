from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatusConfig(AppConfig):
    name = "status"
    verbose_name = _("Statusseite")
    default_auto_field = "django.db.models.BigAutoField"
