"""Demo data: one reseller, two customers, a login for every role, and for the first customer
(Bäckerei Krume GmbH) a telephone system that uses every feature. Safe to run again: each part
is created only when it is missing, always through the service functions.

Billing's demo data (price lists, a billed month, invoices) is ``seed_demo_billing`` in the
billing app, since provisioning never imports billing; ``make demo`` runs both.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import struct
import wave
from typing import Any
from zoneinfo import ZoneInfo

import pyotp
from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from provisioning import ledger, services
from provisioning.audit import audit_context
from provisioning.models import (
    Account,
    AudioFile,
    CallForwarding,
    Channel,
    Customer,
    Device,
    HotDeskLogin,
    HuntGroup,
    IvrMenu,
    LedgerKind,
    LicenseEvent,
    NetworkCheck,
    OperatorSettings,
    PhonebookEntry,
    PickupGroup,
    Reseller,
    Role,
    Site,
    Subscriber,
    VoicemailBox,
)
from provisioning.models.system import normalize_mac
from provisioning.services import second_factor
from telephony.netcheck import verdict
from telephony.netcheck.ports import NET2_ALL
from telephony.netcheck.result import (
    DirectionResult,
    JitterSummary,
    NatResult,
    NetcheckResult,
    PortCheck,
    ProbeSettings,
    Quality,
    Stat,
    StreamResult,
    Thresholds,
    Timeline,
)

DEMO_PASSWORD = "stimme-demo-2026"
DEMO_TOTP_SECRET = "STIMMEDEMOTOTPSECRETFORDEMOONLY2"
"""The authenticator secret of the demo's platform logins (staff, finance): public, demo only."""
BERLIN = ZoneInfo("Europe/Berlin")

RESELLER = {
    "company_name": "Nordlicht Telekom GmbH",
    "street": "Hafenstraße 12",
    "postal_code": "20457",
    "city": "Hamburg",
    "country": "DE",
    "vat_id": "DE811234567",
    "contact_name": "Jana Petersen",
    "contact_email": "partner@nordlicht-telekom.example",
    "contact_phone": "+494012345670",
}
CUSTOMERS = [
    {
        "company_name": "Bäckerei Krume GmbH",
        "street": "Lindenallee 3",
        "postal_code": "10115",
        "city": "Berlin",
        "country": "DE",
        "vat_id": "DE298765432",
        "federal_state": "BE",
        "contact_name": "Paul Krume",
        "contact_email": "it@krume.example",
    },
    {
        "company_name": "Kanzlei Weiss & Partner",
        "street": "Marienplatz 8",
        "postal_code": "80331",
        "city": "München",
        "country": "DE",
        "vat_id": "DE276543210",
        "federal_state": "BY",
        "contact_name": "Dr. Eva Weiss",
        "contact_email": "office@weiss-partner.example",
    },
]


DEMO_BASE_NUMBER = "+49305550100"
DEMO_USERS = [
    ("Paul", "Krume", "volle_stimme"),
    ("Lena", "Schulz", "klingende_stimme"),
    ("Ali", "Yilmaz", "klare_stimme"),
    ("Mia", "Wagner", "klingende_stimme"),
]
# (model, MAC address, label, user by first name or None for a shared phone)
DEMO_DEVICES = [
    ("IP232", "00:90:33:4B:00:10", "Büro Geschäftsführung", "Paul"),
    ("IP222", "00:90:33:4B:00:11", "Verkaufstheke 1", "Lena"),
    ("IP62", "00:90:33:4B:00:12", "Backstube (DECT)", "Ali"),
    ("IP112", "00:90:33:4B:00:13", "Verkaufstheke 2", "Mia"),
    ("IP222", "00:90:33:4B:00:14", "Pausenraum (Hot-Desk)", None),
]
# (name, kind, file name, seconds, tone in Hz)
DEMO_AUDIO = [
    ("Begrüßung", "announcement", "begruessung.wav", 1.5, 440.0),
    ("Nachtansage", "announcement", "nachtansage.wav", 1.5, 330.0),
    ("Wartemusik Backstube", "music_on_hold", "wartemusik.wav", 2.0, 523.0),
]
SHARED_PHONEBOOK = [
    ("Heinrich Mühle", "Mühlenwerke Brandenburg GmbH", ["+49 331 5550123"]),
    ("Sabine Kühn", "Molkerei Havelland eG", ["+49 3321 555010", "+49 172 5550111"]),
    ("Störungsannahme", "Stadtwerke Berlin", ["+49 30 5550199"]),
]
PRIVATE_PHONEBOOK = [
    ("Dr. Anna Schneider", "Hausarztpraxis Mitte", ["+49 30 5550777"]),
    ("Jörg Lange", "Steuerbüro Lange", ["+49 30 5550888"]),
]


def tone_wav(seconds: float, frequency: float, rate: int = 8000) -> bytes:
    """A short sine tone as 16-bit mono WAV, made with the standard library."""
    frames = b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * frequency * i / rate)))
        for i in range(int(seconds * rate))
    )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)
    return buffer.getvalue()


def _stat(mean: float, count: int) -> Stat:
    return Stat(
        count=count,
        min=round(mean * 0.9, 2),
        mean=mean,
        p50=mean,
        p95=round(mean * 1.1, 2),
        p99=round(mean * 1.2, 2),
        max=round(mean * 1.3, 2),
    )


def probe_result(
    *,
    finished: dt.datetime,
    delay_ms: float,
    jitter_ms: float,
    blocked: frozenset[tuple[str, int]] = frozenset(),
    seconds: int = 30,
) -> NetcheckResult:
    """A probe result as the network check probe uploads it: one call of ``seconds`` with
    50 packets a second, a per-second timeline and the NET-2 port matrix."""
    per_second = 50
    packets = per_second * seconds
    loss = verdict.loss_estimate(packets, 0)

    def direction(name: str) -> DirectionResult:
        return DirectionResult(
            direction=name,
            packets_sent=packets,
            packets_received=packets,
            loss=loss,
            jitter_ms=JitterSummary(jitter_ms, round(jitter_ms * 1.5, 2), jitter_ms * 2),
            one_way_delay_ms=_stat(delay_ms, packets),
            reordered=0,
            duplicates=0,
            late=0,
            dscp_sent=46,
            dscp_received=46,
            dscp_preserved=True,
            r_factor=90.0,
            mos=4.3,
        )

    wobble = [(i * 7) % 5 for i in range(seconds)]
    return NetcheckResult(
        tool_version="1.0.0",
        started_at=(finished - dt.timedelta(seconds=seconds)).isoformat(),
        finished_at=finished.isoformat(),
        settings=ProbeSettings(
            target="reflector.stimme.example",
            port=16384,
            streams=1,
            packets_per_stream=packets,
            interval_ms=1000 / per_second,
            payload_bytes=172,
            tos=0xB8,
            jitter_buffer_ms=60.0,
            grace_s=1.0,
        ),
        thresholds=Thresholds(),
        rtt_ms=_stat(2 * delay_ms, packets),
        one_way_delay_method="same host clock",
        upstream=direction("upstream"),
        downstream=direction("downstream"),
        quality=Quality("G.711", True, 90.0, 4.3, delay_ms + 80, 0.0, "measured", "upstream"),
        verdicts=[],
        overall="fail" if blocked else "pass",
        measurement_class="conclusive",
        ports=[
            PortCheck(
                s.protocol,
                s.port,
                s.service,
                "filtered" if (s.protocol, s.port) in blocked else "open",
            )
            for s in NET2_ALL
        ],
        nat=NatResult(
            "ok",
            "stun.stimme.example:3478",
            "192.168.10.20:40000",
            "203.0.113.44:61000",
            True,
            "endpoint-independent",
        ),
        streams=[StreamResult(0x4B52, 40000, packets, packets, 0, 0, 0)],
        probe_cpu_ratio=0.02,
        receive_timestamps="kernel",
        timeline=Timeline(
            bucket_s=1,
            sent=[per_second] * seconds,
            lost_up=[0] * seconds,
            lost_down=[0] * seconds,
            rtt_ms=[2 * delay_ms + 2 * w for w in wobble],
            delay_up_ms=[delay_ms + w for w in wobble],
            delay_down_ms=[delay_ms + w for w in wobble],
            jitter_up_ms=[jitter_ms] * seconds,
            jitter_down_ms=[jitter_ms] * seconds,
        ),
    )


def month_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day.replace(day=1), dt.time(), tzinfo=BERLIN)


class Command(BaseCommand):
    help = (
        "Create demo data (one reseller, two customers, a login per role, a telephone system "
        "with every feature) and print the logins."
    )

    def _account(self, username: str, role: str, **scope: Any) -> Account:
        existing = Account.objects.filter(username=username).first()
        if existing:
            return existing
        return services.account_create(
            acting_user=None,
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            email=f"{username}@stimme.example",
            **scope,
        )

    def _second_factor(self, account: Account) -> None:
        """Enrol the demo secret, so the demo's platform logins can pass the second step."""
        if second_factor.confirmed_factor(account) is not None:
            return
        second_factor.second_factor_start(account=account, secret=DEMO_TOTP_SECRET)
        code = pyotp.TOTP(DEMO_TOTP_SECRET).now()
        second_factor.second_factor_confirm(account=account, code=code)

    def _telephone_system(self, customer: Customer, staff: Account, end_user: Account) -> None:
        """Base license, a site with trunk and number block, and a few users (once)."""
        if Site.objects.filter(customer=customer).exists():
            return
        services.customer_set_base_license(
            customer=customer, license_type="grundlizenz", acting_user=staff
        )
        site = services.site_create(
            customer=customer,
            acting_user=staff,
            data={
                "name": "Zentrale",
                "street": customer.street,
                "postal_code": customer.postal_code,
                "city": customer.city,
                "country": customer.country,
            },
        )
        trunk = services.trunk_create(
            site=site,
            acting_user=staff,
            data={
                "provider": "peoplefone",
                "connection_type": "sip_datacenter",
                "registrar_host": "sip.peoplefone.example",
                "username": "krume-zentrale",
                "state": "active",
            },
            password="demo-trunk-secret",  # noqa: S106 - demo data
        )
        services.number_block_create(
            trunk=trunk,
            acting_user=staff,
            base_number=DEMO_BASE_NUMBER,
            first_extension=0,
            last_extension=99,
        )
        for extension, (first, last, package) in enumerate(DEMO_USERS, start=10):
            user = services.user_create(
                customer=customer,
                acting_user=staff,
                data={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{first.lower()}.{last.lower()}@krume.example",
                    "site": site,
                    "extension": str(extension),
                    "package": package,
                },
            )
            if extension == 10:
                Subscriber.objects.filter(pk=user.pk).update(account=end_user)

    def _license_history(self, customer: Customer) -> None:
        """The demo system has been in use since the first day of the previous month, so that
        month can be billed: each license held now gets an earlier holding of the same license
        from that day until the moment the current one began (written once, to the ledger)."""
        now = timezone.now().astimezone(BERLIN)
        this_month = month_start(now.date())
        since = month_start((this_month - dt.timedelta(days=1)).date())
        if LicenseEvent.objects.filter(customer=customer, effective_at__lt=this_month).exists():
            return
        released = LicenseEvent.objects.filter(kind=LedgerKind.RELEASE).values("holding")
        open_holdings = LicenseEvent.objects.filter(
            customer=customer, kind=LedgerKind.ASSIGN
        ).exclude(holding__in=released)
        for event in open_holdings:
            subject = apps.get_model("provisioning", event.subject_type).objects.get(
                pk=event.subject_id
            )
            earlier = ledger.assign(
                customer=customer,
                license_type=event.license_type,
                subject=subject,
                at=since,
                label=event.subject_label,
            )
            ledger.release(holding=earlier, at=event.effective_at)

    def _devices(self, customer: Customer, admin: Account) -> dict[str, Device]:
        site = Site.objects.filter(customer=customer).order_by("created_at").first()
        users = {u.first_name: u for u in Subscriber.objects.filter(customer=customer)}
        devices = {}
        for model, mac, label, first_name in DEMO_DEVICES:
            device = Device.objects.filter(mac_address=normalize_mac(mac)).first()
            if device is None:
                device = services.device_create(
                    customer=customer,
                    acting_user=admin,
                    data={
                        "site": site,
                        "model": model,
                        "mac_address": mac,
                        "label": label,
                        "subscriber": users.get(first_name) if first_name else None,
                    },
                )
            devices[label] = device
        return devices

    def _audio(self, customer: Customer, admin: Account) -> dict[str, AudioFile]:
        files = {}
        for name, kind, filename, seconds, frequency in DEMO_AUDIO:
            audio = AudioFile.objects.filter(customer=customer, name=name).first()
            if audio is None:
                audio = services.audio_upload(
                    customer=customer,
                    acting_user=admin,
                    name=name,
                    kind=kind,
                    filename=filename,
                    data=tone_wav(seconds, frequency),
                )
            files[name] = audio
        return files

    def _call_features(
        self, customer: Customer, admin: Account, audio: dict[str, AudioFile]
    ) -> None:
        """Two hunt groups, a pickup group, two menus in front of the groups and the operator
        with a schedule, night service (public holidays included) and announcements."""
        site = Site.objects.filter(customer=customer).order_by("created_at").first()
        users = {u.first_name: u for u in Subscriber.objects.filter(customer=customer)}
        groups = {g.name: g for g in HuntGroup.objects.filter(customer=customer)}
        if "Verkauf" not in groups:
            groups["Verkauf"] = services.hunt_group_create(
                customer=customer,
                acting_user=admin,
                data={
                    "name": "Verkauf",
                    "site": site,
                    "extension": "20",
                    "strategy": "parallel",
                    "members": [users["Lena"], users["Mia"], users["Ali"]],
                },
            )
        if "Backstube" not in groups:
            groups["Backstube"] = services.hunt_group_create(
                customer=customer,
                acting_user=admin,
                data={
                    "name": "Backstube",
                    "site": site,
                    "extension": "21",
                    "strategy": "longest_idle",
                    "ring_seconds": 40,
                    "members": [users["Ali"], users["Paul"]],
                    "overflow": f"voicemail:{users['Paul'].pk}",
                },
            )
        if not PickupGroup.objects.filter(customer=customer, name="Theke").exists():
            services.pickup_group_create(
                customer=customer,
                acting_user=admin,
                data={"name": "Theke", "members": [users["Lena"], users["Mia"]]},
            )
        sales = f"hunt_group:{groups['Verkauf'].pk}"
        bakery = f"hunt_group:{groups['Backstube'].pk}"
        menus = {m.name: m for m in IvrMenu.objects.filter(customer=customer)}
        if "Bestellungen" not in menus:
            menus["Bestellungen"] = services.ivr_menu_create(
                customer=customer,
                acting_user=admin,
                data={
                    "name": "Bestellungen",
                    "extension": "31",
                    "options": [
                        {"digit": "1", "target": bakery},
                        {"digit": "2", "target": f"voicemail:{users['Paul'].pk}"},
                    ],
                    "on_timeout": sales,
                    "on_invalid": sales,
                },
            )
        if "Hauptmenü" not in menus:
            main = services.ivr_menu_create(
                customer=customer,
                acting_user=admin,
                data={
                    "name": "Hauptmenü",
                    "extension": "30",
                    "announcement": audio["Begrüßung"],
                    "options": [
                        {"digit": "1", "target": sales},
                        {"digit": "2", "target": f"ivr:{menus['Bestellungen'].pk}"},
                        {"digit": "0", "target": "operator"},
                    ],
                    "on_timeout": sales,
                    "on_invalid": sales,
                },
            )
            # "9: back to the main menu" (a cycle that needs a key press is allowed).
            services.ivr_menu_update(
                menu=menus["Bestellungen"],
                acting_user=admin,
                data={
                    "options": [
                        {"digit": "1", "target": bakery},
                        {"digit": "2", "target": f"voicemail:{users['Paul'].pk}"},
                        {"digit": "9", "target": f"ivr:{main.pk}"},
                    ]
                },
            )
            menus["Hauptmenü"] = main
        if not OperatorSettings.objects.filter(customer=customer).exists():
            weekdays = [
                {"weekday": day, "start": dt.time(6, 0), "end": dt.time(18, 0)} for day in range(5)
            ]
            services.operator_update(
                customer=customer,
                acting_user=admin,
                data={
                    "day_target": sales,
                    "ivr_menu": menus["Hauptmenü"],
                    "announcement": audio["Begrüßung"],
                    "night_target": f"voicemail:{users['Paul'].pk}",
                    "night_announcement": audio["Nachtansage"],
                    "holidays_are_night": True,
                    "schedule": [
                        *weekdays,
                        {"weekday": 5, "start": dt.time(7, 0), "end": dt.time(12, 0)},
                    ],
                },
            )

    def _personal_settings(
        self, customer: Customer, admin: Account, end_user: Account, devices: dict[str, Device]
    ) -> None:
        """Forwarding, voicemail and a hot-desk login of the end user's telephone user, and
        voicemail for a colleague."""
        users = {u.first_name: u for u in Subscriber.objects.filter(customer=customer)}
        paul, lena = users["Paul"], users["Lena"]
        if not VoicemailBox.objects.filter(subscriber=paul).exists():
            services.voicemail_update(
                subscriber=paul,
                acting_user=end_user,
                data={"enabled": True, "pin": "4711", "email": "paul.krume@krume.example"},
            )
        if not VoicemailBox.objects.filter(subscriber=lena).exists():
            services.voicemail_update(
                subscriber=lena,
                acting_user=admin,
                data={
                    "enabled": True,
                    "pin": "2580",
                    "email": "lena.schulz@krume.example",
                    "greeting": AudioFile.objects.get(customer=customer, name="Nachtansage"),
                },
            )
        if not CallForwarding.objects.filter(subscriber=paul).exists():
            services.forwarding_update(
                subscriber=paul,
                acting_user=end_user,
                data={
                    "on_busy": f"voicemail:{paul.pk}",
                    "on_no_answer": "external:+49 170 5550110",
                    "no_answer_seconds": 25,
                },
            )
        shared_phone = devices["Pausenraum (Hot-Desk)"]
        if not HotDeskLogin.objects.filter(device=shared_phone, subscriber=paul).exists():
            services.hotdesk_login(device=shared_phone, subscriber=paul, acting_user=end_user)

    def _phonebooks(self, customer: Customer, admin: Account, end_user: Account) -> None:
        paul = Subscriber.objects.get(customer=customer, account=end_user)
        for book, actor, entries in (
            (services.phonebook_for(customer=customer), admin, SHARED_PHONEBOOK),
            (services.phonebook_for(customer=customer, owner=paul), end_user, PRIVATE_PHONEBOOK),
        ):
            for name, company, numbers in entries:
                if not PhonebookEntry.objects.filter(phonebook=book, name=name).exists():
                    services.phonebook_entry_create(
                        phonebook=book,
                        acting_user=actor,
                        data={"name": name, "company": company, "numbers": numbers},
                    )

    def _network_checks(self, customer: Customer, reseller_admin: Account) -> None:
        """A site check token and two probe results for the main site: one with a blocked
        firewall port (not ready), then one after the fix (ready)."""
        site = Site.objects.filter(customer=customer).order_by("created_at").first()
        if site is None or NetworkCheck.objects.filter(site=site).exists():
            return
        token, _raw = services.site_check_token_create(site=site, acting_user=reseller_admin)
        now = timezone.now().replace(microsecond=0)
        for finished, delay, jitter, blocked in (
            (now - dt.timedelta(days=2), 38.0, 6.5, frozenset({("tcp", 1300)})),
            (now - dt.timedelta(hours=3), 24.0, 3.0, frozenset()),
        ):
            services.network_check_record(
                token=token,
                result=probe_result(
                    finished=finished, delay_ms=delay, jitter_ms=jitter, blocked=blocked
                ),
                source_ip="203.0.113.44",
            )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        with audit_context(channel=Channel.CLI):
            staff = self._account("staff", Role.PLATFORM_STAFF)
            finance = self._account("finance", Role.PLATFORM_FINANCE)
            for platform_login in (staff, finance):
                self._second_factor(platform_login)
            reseller = Reseller.objects.filter(company_name=RESELLER["company_name"]).first()
            if reseller is None:
                reseller = services.reseller_create(acting_user=staff, data=RESELLER)
            reseller_admin = self._account("reseller", Role.RESELLER_ADMIN, reseller=reseller)
            customers = []
            for data in CUSTOMERS:
                customer = Customer.objects.filter(
                    reseller=reseller, company_name=data["company_name"]
                ).first()
                if customer is None:
                    customer = services.customer_create(
                        reseller=reseller, acting_user=staff, data=data
                    )
                customers.append(customer)
            admin = self._account("kunde1", Role.CUSTOMER_ADMIN, customer=customers[0])
            self._account("kunde2", Role.CUSTOMER_ADMIN, customer=customers[1])
            end_user = self._account("nutzer1", Role.END_USER, customer=customers[0])
            bakery = customers[0]
            self._telephone_system(bakery, staff, end_user)
            self._license_history(bakery)
            devices = self._devices(bakery, admin)
            audio = self._audio(bakery, admin)
            self._call_features(bakery, admin, audio)
            self._personal_settings(bakery, admin, end_user, devices)
            self._phonebooks(bakery, admin, end_user)
            self._network_checks(bakery, reseller_admin)

        rows = [
            ("staff", "Plattform-Betrieb"),
            ("finance", "Plattform-Buchhaltung"),
            ("reseller", f"Reseller-Admin, {reseller.company_name}"),
            ("kunde1", f"Kunden-Admin, {customers[0].company_name}"),
            ("kunde2", f"Kunden-Admin, {customers[1].company_name}"),
            ("nutzer1", f"Benutzer, {customers[0].company_name}"),
        ]
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, label in rows:
            self.stdout.write(f"  {username:<10} {label}")
        self.stdout.write(
            "staff and finance also ask for a code from an authenticator app (TOTP) with the "
            f"demo secret {DEMO_TOTP_SECRET} (demo only), e.g.\n"
            f"  .venv/bin/python -c 'import pyotp; print(pyotp.TOTP(\"{DEMO_TOTP_SECRET}\").now())'"
        )
