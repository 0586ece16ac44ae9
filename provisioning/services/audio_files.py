"""Audio files (FEA-5): uploaded announcements and music on hold, each upload a one-time fee;
a file still used by a menu, the operator or a voicemail greeting stays."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q

from ..audio import check_audio
from ..errors import ApplicationError
from ..models import (
    Account,
    AudioFile,
    AudioKind,
    Customer,
    FeeType,
    IvrMenu,
    OperatorSettings,
    VoicemailBox,
)
from ._common import audited_create, audited_delete, guard_users
from .feature_checks import record_fee


@transaction.atomic
def audio_upload(
    *,
    customer: Customer,
    acting_user: Account,
    name: str,
    kind: str,
    filename: str,
    data: bytes,
) -> AudioFile:
    """Store an MP3 or WAV upload and its telephony version after decoding it completely;
    a refused file leaves nothing behind. Each upload records a one-time fee."""
    guard_users(acting_user, customer)
    if kind not in AudioKind.values:
        raise ApplicationError(
            "invalid_kind", "Unknown kind of audio.", fields={"kind": ["Unknown kind."]}
        )
    checked = check_audio(data, filename)
    audio = AudioFile(
        customer=customer,
        name=(name or filename).strip()[:100],
        kind=kind,
        original_name=filename[:255],
        original_format=checked.format,
        original_size=len(data),
        duration_ms=checked.duration_ms,
    )
    folder = f"audio/{customer.pk}/{audio.pk}"
    audio.original.save(f"{folder}/original.{checked.format}", ContentFile(data), save=False)
    audio.telephony.save(f"{folder}/telephony.wav", ContentFile(checked.telephony_wav), save=False)
    stored = [audio.original.name, audio.telephony.name]

    def remove_files() -> None:
        for path in stored:
            if path:
                default_storage.delete(path)

    try:
        audited_create(audio, actor=acting_user)
        record_fee(customer, FeeType.AUDIO_UPLOAD, audio.pk, f"Audiodatei {audio.name}")
    except BaseException:
        remove_files()
        raise
    return audio


@transaction.atomic
def audio_delete(*, audio: AudioFile, acting_user: Account) -> None:
    customer = audio.customer
    guard_users(acting_user, customer)
    used = (
        IvrMenu.objects.filter(announcement=audio).exists()
        or OperatorSettings.objects.filter(
            Q(announcement=audio) | Q(night_announcement=audio)
        ).exists()
        or VoicemailBox.objects.filter(greeting=audio).exists()
    )
    if used:
        raise ApplicationError(
            "audio_in_use", "This audio file is still used. Replace it first.", status=409
        )
    paths = [audio.original.name, audio.telephony.name]
    audited_delete(audio, actor=acting_user)

    def remove_files() -> None:
        for path in paths:
            if path:
                default_storage.delete(path)

    transaction.on_commit(remove_files)
