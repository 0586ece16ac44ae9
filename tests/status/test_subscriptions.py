"""Subscribing by e-mail and SMS, unsubscribing at once, and notifications through the outbox
(STA-5, STA-6)."""

from __future__ import annotations

import datetime as dt
import json
import smtplib
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from provisioning.errors import ApplicationError
from status import delivery, services, steps
from status.models import Channel, Event, OutboxMessage, OutboxState, Subscription
from status.sms import FileGateway
from tests.factories import World
from tests.status.conftest import Catalogue

pytestmark = pytest.mark.django_db


def subscribe_form(client: Client, channel: str = "email", lang: str = "", **data: Any) -> Any:
    prefix = f"/status/{lang}/" if lang else "/status/"
    return client.post(f"{prefix}subscribe/{channel}/", data, REMOTE_ADDR="198.51.100.7")


def sms_sent(settings: Any) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    return FileGateway(Path(settings.STATUS_SMS_DIR)).read()


def open_incident(world: World, components: list[Any], **kw: Any) -> Event:
    return services.incident_open(
        acting_user=world.staff,
        title_de="Anrufe brechen ab",
        title_en="Calls drop",
        components=components,
        message_de="Wir untersuchen.",
        message_en="We are investigating.",
        **kw,
    )


# Subscribing ----------------------------------------------------------------------------------


def test_email_subscription_needs_no_confirmation(
    world: World, catalogue: Catalogue, mailoutbox
) -> None:  # type: ignore[no-untyped-def]
    response = subscribe_form(
        Client(),
        address="  Jana@Example.ORG ",
        scope="some",
        components=[str(catalogue.calls.pk), str(catalogue.uc.pk)],
    )
    assert response.status_code == 200
    assert 'id="subscribed"' in response.content.decode()
    sub = Subscription.objects.get()
    assert (sub.channel, sub.address, sub.all_components, sub.language) == (
        "email",
        "jana@example.org",
        False,
        "de",
    )
    assert set(sub.components.all()) == {catalogue.calls, catalogue.uc}
    assert mailoutbox == []


def test_subscribing_again_replaces_the_choice_and_answers_the_same(
    world: World, catalogue: Catalogue
) -> None:
    client = Client()
    first = subscribe_form(
        client, address="jana@example.org", scope="some", components=[str(catalogue.calls.pk)]
    )
    token = Subscription.objects.get().token
    again = subscribe_form(client, lang="en", address="JANA@example.org", scope="all")
    assert Subscription.objects.count() == 1
    sub = Subscription.objects.get()
    assert sub.all_components is True and not sub.components.exists()
    assert sub.language == "en"
    assert sub.token == token  # links in earlier mails keep working
    other = subscribe_form(client, lang="en", address="new@example.org", scope="all")
    # Nothing tells a known address from a new one.
    assert again.status_code == other.status_code == first.status_code == 200
    assert again.content.replace(b"JANA", b"x") == other.content.replace(b"JANA", b"x")


def test_choosing_some_components_needs_at_least_one(world: World, catalogue: Catalogue) -> None:
    response = subscribe_form(Client(), address="jana@example.org", scope="some")
    assert 'id="components-error"' in response.content.decode()
    assert not Subscription.objects.exists()
    with pytest.raises(ApplicationError) as raised:
        services.subscription_subscribe(channel="email", address="a@example.org", components=[])
    assert raised.value.code == "components_required"


def test_invalid_email_is_shown_beside_the_field(world: World, catalogue: Catalogue) -> None:
    response = subscribe_form(Client(), lang="en", address="not-an-address", scope="all")
    html = response.content.decode()
    assert 'id="address-error"' in html and "valid e-mail address" in html
    assert 'value="not-an-address"' in html


def test_sms_number_with_country_and_confirmation_carrying_the_link(
    world: World,
    catalogue: Catalogue,
    settings,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = subscribe_form(
            Client(), "sms", country="DE", address="0151 2345 6789", scope="all"
        )
    assert 'id="subscribed"' in response.content.decode()
    sub = Subscription.objects.get()
    assert (sub.channel, sub.address) == ("sms", "+4915123456789")
    [sms] = sms_sent(settings)
    assert sms["to"] == "+4915123456789"
    assert f"https://status.stimme.example/unsubscribe/{sub.token}/" in sms["text"]
    with django_capture_on_commit_callbacks(execute=True):
        subscribe_form(Client(), "sms", country="AT", address="0664 1234567", scope="all")
    assert Subscription.objects.filter(address="+436641234567").exists()


def test_sms_number_must_be_a_mobile_number(world: World, catalogue: Catalogue) -> None:
    response = subscribe_form(Client(), "sms", country="DE", address="030 1234567", scope="all")
    assert "gültige Mobilfunknummer" in response.content.decode()
    assert not Subscription.objects.exists()


def test_subscribing_is_rate_limited_per_address_and_per_ip(
    world: World,
    catalogue: Catalogue,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.STATUS_SUBSCRIBE_LIMIT_PER_ADDRESS = 2
    settings.STATUS_SUBSCRIBE_LIMIT_PER_IP = 4
    for _ in range(2):
        assert subscribe_form(Client(), address="jana@example.org", scope="all").status_code == 200
    refused = subscribe_form(Client(), address="jana@example.org", scope="all")
    assert refused.status_code == 429 and 'id="form-error"' in refused.content.decode()
    assert subscribe_form(Client(), address="b@example.org", scope="all").status_code == 200
    assert subscribe_form(Client(), address="c@example.org", scope="all").status_code == 429
    # Another client is not held back by the first one's attempts.
    other = Client().post(
        "/status/subscribe/email/",
        {"address": "d@example.org", "scope": "all"},
        REMOTE_ADDR="203.0.113.9",
    )
    assert other.status_code == 200


# Unsubscribing ---------------------------------------------------------------------------------


def test_link_opened_by_a_scanner_deletes_nothing_the_button_deletes_at_once(
    world: World, catalogue: Catalogue
) -> None:
    sub = services.subscription_subscribe(
        channel="email", address="jana@example.org", components=None
    )
    url = f"/status/unsubscribe/{sub.token}/"
    page = Client().get(url)
    assert page.status_code == 200 and 'id="unsubscribe-form"' in page.content.decode()
    assert page["Cache-Control"] == "no-store"
    assert Subscription.objects.filter(pk=sub.pk).exists()
    done = Client(enforce_csrf_checks=True).post(url)
    assert done.status_code == 200 and 'id="unsubscribed"' in done.content.decode()
    assert not Subscription.objects.filter(pk=sub.pk).exists()


def test_one_click_unsubscribe_rfc_8058(world: World, catalogue: Catalogue) -> None:
    sub = services.subscription_subscribe(
        channel="email", address="jana@example.org", components=None
    )
    response = Client(enforce_csrf_checks=True).post(
        f"/status/unsubscribe/{sub.token}/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not Subscription.objects.exists()


def test_unknown_token_answers_like_a_known_one(world: World, catalogue: Catalogue) -> None:
    sub = services.subscription_subscribe(
        channel="email", address="jana@example.org", components=None
    )
    known = Client().post(f"/status/unsubscribe/{sub.token}/").content
    unknown = Client().post("/status/unsubscribe/doesnotexist/").content
    assert known.replace(sub.token.encode(), b"T") == unknown.replace(b"doesnotexist", b"T")


def test_unsubscribing_drops_messages_still_waiting(
    world: World,
    catalogue: Catalogue,
    mailoutbox,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    sub = services.subscription_subscribe(
        channel="email", address="jana@example.org", components=None
    )
    event = open_incident(world, [catalogue.calls])
    update = event.updates.get()
    # Written, not yet sent: batches are queued but this test sends nothing yet.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    rows = [
        OutboxMessage.objects.create(
            key=f"step:{update.pk}:{sub.pk}",
            channel="email",
            recipient=sub.address,
            body="x",
            update=update,
            subscription=sub,
        )
    ]
    services.subscription_unsubscribe(token=sub.token)
    assert not OutboxMessage.objects.filter(pk=rows[0].pk).exists()
    assert delivery.send_batch([rows[0].pk]) == {"sent": 0, "failed": 0, "released": 0}
    assert mailoutbox == []


# Notifications ---------------------------------------------------------------------------------


@pytest.fixture
def subscribers(world: World, catalogue: Catalogue) -> dict[str, Subscription]:
    return {
        "calls": services.subscription_subscribe(
            channel="email", address="calls@example.org", components=[catalogue.calls]
        ),
        "fax": services.subscription_subscribe(
            channel="email", address="fax@example.org", components=[catalogue.fax]
        ),
        "all_en": services.subscription_subscribe(
            channel="email", address="all@example.org", components=None, language="en"
        ),
        "sms": services.subscription_subscribe(
            channel="sms", address="+4915123456789", components=[catalogue.calls, catalogue.uc]
        ),
    }


def test_every_step_goes_to_the_subscribers_of_the_affected_components(
    world: World,
    catalogue: Catalogue,
    subscribers,
    mailoutbox,
    settings,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        event = open_incident(
            world, [catalogue.calls], estimated_fix_at=timezone.now() + dt.timedelta(hours=1)
        )
    assert sorted(m.to[0] for m in mailoutbox) == ["all@example.org", "calls@example.org"]
    german = next(m for m in mailoutbox if m.to == ["calls@example.org"])
    assert german.subject == "[Störung] Anrufe brechen ab – Untersuchung"
    assert "Wir untersuchen." in german.body and "Voraussichtlich behoben" in german.body
    token = subscribers["calls"].token
    link = f"https://status.stimme.example/unsubscribe/{token}/"
    assert german.body.rstrip().endswith(link)
    assert german.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert german.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert german.extra_headers["Message-ID"].startswith("<")
    english = next(m for m in mailoutbox if m.to == ["all@example.org"])
    assert english.subject == "[Incident] Calls drop – Investigating"
    [sms] = [s for s in sms_sent(settings) if "stimme" in s["text"] and "Calls" not in s["text"]]
    assert sms["to"] == "+4915123456789" and "Untersuchung" in sms["text"]
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_post_update(
            event=event, acting_user=world.staff, step=steps.RESOLVED, message_de="Behoben."
        )
    assert sorted(m.to[0] for m in mailoutbox) == ["all@example.org", "calls@example.org"]
    assert OutboxMessage.objects.filter(state=OutboxState.SENT).count() == 6


def test_fan_out_and_batches_never_send_twice(
    world: World,
    catalogue: Catalogue,
    subscribers,
    mailoutbox,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        event = open_incident(world, [catalogue.calls])
    update = event.updates.get()
    sent = len(mailoutbox)
    assert delivery.fan_out_update(update_id=update.pk) == 0  # nothing new to write
    ids = list(OutboxMessage.objects.filter(update=update).values_list("pk", flat=True))
    assert len(ids) == 3
    assert delivery.send_batch(ids)["sent"] == 0
    assert delivery.sweep() == 0
    assert len(mailoutbox) == sent


def test_a_dead_workers_claim_expires_and_the_sweep_sends_the_rest(
    world: World,
    catalogue: Catalogue,
    subscribers,
    mailoutbox,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.STATUS_OUTBOX_BATCH = 100
    event = open_incident(world, [catalogue.calls])  # on_commit not run: nothing sent yet
    update = event.updates.get()
    from status import tasks

    queued: list[list[int]] = []
    original = tasks.send_outbox_batch.delay
    tasks.send_outbox_batch.delay = lambda ids: queued.append(ids)  # type: ignore[method-assign]
    try:
        assert delivery.fan_out_update(update_id=update.pk) == 3
    finally:
        tasks.send_outbox_batch.delay = original  # type: ignore[method-assign]
    [batch] = queued
    # A worker claims the batch, sends the first row and dies.
    started = timezone.now() - dt.timedelta(seconds=settings.STATUS_OUTBOX_LEASE_SECONDS + 1)
    token = delivery.claim(batch, now=started)
    assert token is not None
    first = OutboxMessage.objects.get(pk=batch[0])
    mail.send_mail(first.subject, first.body, None, [first.recipient])
    OutboxMessage.objects.filter(pk=first.pk).update(state=OutboxState.SENT, sent_at=started)
    # A second delivery of the batch while the claim holds does nothing.
    assert delivery.claim(batch, now=started + dt.timedelta(seconds=1)) is None
    # After the lease the sweep queues the unsent rows; the sent one stays sent.
    assert delivery.sweep() == 2
    assert OutboxMessage.objects.filter(state=OutboxState.SENT).count() == 3
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert len(recipients) == len(set(recipients)) == 2  # both e-mail subscribers, once each


def test_smtp_failure_releases_rows_for_a_later_try(
    world: World,
    catalogue: Catalogue,
    subscribers,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    event = open_incident(world, [catalogue.calls])
    from status import tasks

    monkeypatch.setattr(tasks.send_outbox_batch, "delay", lambda ids: None)
    delivery.fan_out_update(update_id=event.updates.get().pk)
    ids = list(OutboxMessage.objects.filter(channel=Channel.EMAIL).values_list("pk", flat=True))

    def broken(self, messages):  # type: ignore[no-untyped-def]
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", broken)
    result = delivery.send_batch(ids)
    assert result == {"sent": 0, "failed": 0, "released": 2}
    rows = OutboxMessage.objects.filter(pk__in=ids)
    assert {r.state for r in rows} == {OutboxState.PENDING}
    assert all(r.attempts == 1 and "gone" in r.last_error for r in rows)


def test_sms_gateway_over_http_carries_an_idempotency_key(settings) -> None:  # type: ignore[no-untyped-def]
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    received: list[tuple[dict[str, str], dict[str, Any]]] = []

    class Sink(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append((dict(self.headers), body))
            self.send_response(202 if body["to"] != "+4900" else 400)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Sink)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        from status.sms import HttpGateway, SmsError

        gateway = HttpGateway(
            url=f"http://127.0.0.1:{server.server_port}/sms", token="t0k", sender="stimme"
        )
        gateway.send(to="+4915123456789", text="Hallo", reference="step:1:2")
        headers, body = received[0]
        assert headers["Authorization"] == "Bearer t0k"
        assert headers["Idempotency-Key"] == "step:1:2"
        assert body == {
            "to": "+4915123456789",
            "from": "stimme",
            "text": "Hallo",
            "reference": "step:1:2",
        }
        with pytest.raises(SmsError) as raised:
            gateway.send(to="+4900", text="x", reference="r")
        assert raised.value.permanent
    finally:
        server.shutdown()


def test_mail_over_smtp_is_a_valid_plain_text_mail(
    world: World,
    catalogue: Catalogue,
    settings,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    """The SMTP path writes step mails as bytes directly; a real SMTP server gets a mail whose
    headers and body read back exactly."""
    import email
    import email.policy
    import socket

    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self) -> None:
            self.envelopes: list[Any] = []

        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            self.envelopes.append(envelope)
            return "250 OK"

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    try:
        sub = services.subscription_subscribe(
            channel="email", address="jana@example.org", components=[catalogue.calls]
        )
        with django_capture_on_commit_callbacks(execute=True):
            open_incident(world, [catalogue.calls])
    finally:
        controller.stop()
    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == ["jana@example.org"]
    assert envelope.mail_from == "noreply@stimme.example"
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert message["Subject"] == "[Störung] Anrufe brechen ab – Untersuchung"
    assert message["To"] == "jana@example.org"
    assert message["From"] == "stimme platform <noreply@stimme.example>"
    link = f"https://status.stimme.example/unsubscribe/{sub.token}/"
    assert message["List-Unsubscribe"] == f"<{link}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    row = OutboxMessage.objects.get(subscription=sub)
    assert message["Message-ID"] == delivery.message_id(row.key)
    assert message.get_content_type() == "text/plain"
    body = message.get_content()
    assert "Wir untersuchen." in body and "Betroffen: Telefonie" in body
    assert body.rstrip().endswith(link)
