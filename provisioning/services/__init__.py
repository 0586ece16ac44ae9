"""Every write of provisioning goes through a service function (docs/architecture.md)."""

from .audio_files import audio_delete, audio_upload
from .devices import device_create, device_delete, device_update
from .forwarding import forwarding_update
from .hotdesk import hotdesk_login, hotdesk_logout
from .hunt_groups import (
    hunt_group_create,
    hunt_group_delete,
    hunt_group_member_set_login,
    hunt_group_update,
)
from .ivr_menus import ivr_menu_create, ivr_menu_delete, ivr_menu_update
from .licenses import customer_set_base_license, demo_license_check
from .netchecks import (
    CHECK_TOKEN_PREFIX,
    network_check_record,
    site_check_token_authenticate,
    site_check_token_create,
    site_check_token_revoke,
    sites_with_readiness,
)
from .number_blocks import number_block_create, number_block_delete
from .operator import operator_get, operator_set_mode, operator_update
from .phonebooks import (
    phonebook_entry_create,
    phonebook_entry_delete,
    phonebook_entry_update,
    phonebook_export_csv,
    phonebook_for,
    phonebook_import_csv,
    phonebook_search,
    reverse_lookup,
)
from .pickup_groups import pickup_group_create, pickup_group_delete, pickup_group_update
from .sites import site_create, site_delete, site_update
from .tenancy import (
    API_KEY_PREFIX,
    account_create,
    api_key_authenticate,
    api_key_create,
    api_key_revoke,
    customer_create,
    customer_set_state,
    customer_update,
    hash_api_key,
    reseller_create,
    reseller_update,
)
from .trunks import trunk_create, trunk_delete, trunk_update
from .users import (
    user_confirm_emergency_notice,
    user_create,
    user_delete,
    user_invite,
    user_set_active,
    user_update,
    user_update_own_profile,
    users_import_csv,
)
from .voicemail import voicemail_update

__all__ = [
    "API_KEY_PREFIX",
    "CHECK_TOKEN_PREFIX",
    "account_create",
    "api_key_authenticate",
    "api_key_create",
    "api_key_revoke",
    "audio_delete",
    "audio_upload",
    "customer_create",
    "customer_set_base_license",
    "customer_set_state",
    "customer_update",
    "demo_license_check",
    "device_create",
    "device_delete",
    "device_update",
    "forwarding_update",
    "hash_api_key",
    "hotdesk_login",
    "hotdesk_logout",
    "hunt_group_create",
    "hunt_group_delete",
    "hunt_group_member_set_login",
    "hunt_group_update",
    "ivr_menu_create",
    "ivr_menu_delete",
    "ivr_menu_update",
    "network_check_record",
    "number_block_create",
    "number_block_delete",
    "operator_get",
    "operator_set_mode",
    "operator_update",
    "phonebook_entry_create",
    "phonebook_entry_delete",
    "phonebook_entry_update",
    "phonebook_export_csv",
    "phonebook_for",
    "phonebook_import_csv",
    "phonebook_search",
    "pickup_group_create",
    "pickup_group_delete",
    "pickup_group_update",
    "reseller_create",
    "reseller_update",
    "reverse_lookup",
    "site_check_token_authenticate",
    "site_check_token_create",
    "site_check_token_revoke",
    "site_create",
    "site_delete",
    "site_update",
    "sites_with_readiness",
    "trunk_create",
    "trunk_delete",
    "trunk_update",
    "user_confirm_emergency_notice",
    "user_create",
    "user_delete",
    "user_invite",
    "user_set_active",
    "user_update",
    "user_update_own_profile",
    "users_import_csv",
    "voicemail_update",
]
