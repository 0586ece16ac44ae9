"""Routes of the tenant API under /api/v1/."""

from rest_framework.routers import DefaultRouter

from .feature_views import (
    AudioFileViewSet,
    CallForwardingViewSet,
    CallTraceViewSet,
    HotDeskLoginViewSet,
    HuntGroupViewSet,
    IvrMenuViewSet,
    OneTimeFeeViewSet,
    OperatorViewSet,
    PhonebookEntryViewSet,
    PickupGroupViewSet,
    VoicemailBoxViewSet,
)
from .netcheck_views import NetworkCheckViewSet, SiteCheckTokenViewSet
from .system_views import (
    DeviceViewSet,
    LicenseEventViewSet,
    LicenseViewSet,
    NumberBlockViewSet,
    SiteViewSet,
    TrunkViewSet,
    UserViewSet,
)
from .views import ApiKeyViewSet, AuditEventViewSet, CustomerViewSet, ResellerViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("resellers", ResellerViewSet, basename="reseller")
router.register("customers", CustomerViewSet, basename="customer")
router.register("sites", SiteViewSet, basename="site")
router.register("trunks", TrunkViewSet, basename="trunk")
router.register("number-blocks", NumberBlockViewSet, basename="number-block")
router.register("users", UserViewSet, basename="user")
router.register("devices", DeviceViewSet, basename="device")
router.register("licenses", LicenseViewSet, basename="license")
router.register("license-events", LicenseEventViewSet, basename="license-event")
router.register("api-keys", ApiKeyViewSet, basename="api-key")
router.register("audit-events", AuditEventViewSet, basename="audit-event")
router.register("network-checks", NetworkCheckViewSet, basename="network-check")
router.register("network-check-tokens", SiteCheckTokenViewSet, basename="network-check-token")
router.register("hunt-groups", HuntGroupViewSet, basename="hunt-group")
router.register("pickup-groups", PickupGroupViewSet, basename="pickup-group")
router.register("ivr-menus", IvrMenuViewSet, basename="ivr-menu")
router.register("operators", OperatorViewSet, basename="operator")
router.register("call-forwardings", CallForwardingViewSet, basename="call-forwarding")
router.register("voicemail-boxes", VoicemailBoxViewSet, basename="voicemail-box")
router.register("hotdesk-logins", HotDeskLoginViewSet, basename="hotdesk-login")
router.register("audio-files", AudioFileViewSet, basename="audio-file")
router.register("phonebook-entries", PhonebookEntryViewSet, basename="phonebook-entry")
router.register("one-time-fees", OneTimeFeeViewSet, basename="one-time-fee")
router.register("call-trace", CallTraceViewSet, basename="call-trace")

urlpatterns = router.urls
