"""Audio uploads (FEA-5): real MP3 and WAV files are decoded, converted to 8 kHz mono and
stored with the original; wrong, corrupt, too long and too large files are refused and leave
nothing behind."""

from __future__ import annotations

import io
import math
import shutil
import struct
import subprocess
import wave
from collections.abc import Callable
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from provisioning import audio, services
from provisioning.errors import ApplicationError
from provisioning.models import Account, AudioFile, OneTimeFeeEvent
from tests.realservices import require

from .conftest import Office

Api = Callable[[Account | None], APIClient]


def sine_wav(seconds: float, rate: int = 44100, channels: int = 2) -> bytes:
    frames = bytearray()
    for i in range(int(seconds * rate)):
        sample = struct.pack("<h", int(9000 * math.sin(2 * math.pi * 440 * i / rate)))
        frames += sample * channels
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))
    return buffer.getvalue()


def silent_wav(seconds: int, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\x00\x00" * rate * seconds)
    return buffer.getvalue()


@pytest.fixture
def mp3(tmp_path: Path) -> bytes:
    lame = shutil.which("lame")
    require(lame is not None, "lame is not installed (apt-get install lame)")
    assert lame is not None
    source = tmp_path / "tone.wav"
    source.write_bytes(sine_wav(3))
    subprocess.run([lame, "--quiet", str(source), str(tmp_path / "tone.mp3")], check=True)
    return (tmp_path / "tone.mp3").read_bytes()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_wav_upload_is_converted_to_8khz_mono_and_keeps_the_original(
    office: Office, settings
) -> None:  # type: ignore[no-untyped-def]
    data = sine_wav(2)
    stored = services.audio_upload(
        customer=office.customer,
        acting_user=office.admin,
        name="Begrüßung",
        kind="announcement",
        filename="begruessung.wav",
        data=data,
    )
    assert stored.original_format == "wav" and stored.duration_ms == 2000
    assert stored.duration_label == "0:02"
    assert stored.original.read() == data
    with wave.open(stored.telephony.open("rb")) as converted:
        assert (converted.getnchannels(), converted.getframerate()) == (1, 8000)
        assert converted.getnframes() == 16000
    assert str(Path(stored.telephony.path)).startswith(str(settings.MEDIA_ROOT))
    fee = OneTimeFeeEvent.objects.get()
    assert (fee.fee_type, fee.reference) == ("audio_upload", str(stored.pk))


def test_mp3_upload_via_api(office: Office, api: Api, mp3: bytes) -> None:
    client = api(office.admin)
    upload = io.BytesIO(mp3)
    upload.name = "wartemusik.mp3"
    response = client.post(
        "/api/v1/audio-files/",
        {"name": "Wartemusik", "kind": "music_on_hold", "file": upload},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["original_format"] == "mp3"
    assert 2.9 <= body["duration_seconds"] <= 3.2
    telephony = client.get(f"/api/v1/audio-files/{body['id']}/telephony/")
    assert telephony.status_code == 200
    wav = b"".join(telephony.streaming_content)  # type: ignore[attr-defined]
    with wave.open(io.BytesIO(wav)) as converted:
        assert converted.getframerate() == 8000 and converted.getnchannels() == 1
    original = client.get(f"/api/v1/audio-files/{body['id']}/original/")
    assert b"".join(original.streaming_content) == mp3  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("make", "filename", "code"),
    [
        (lambda: b"%PDF-1.4 not audio at all" * 50, "rechnung.pdf", "audio_wrong_type"),
        (lambda: sine_wav(1), "ton.ogg", "audio_wrong_type"),
        (lambda: b"RIFF\x10\x00\x00\x00WAVEfmt " + b"\x00" * 500, "kaputt.wav", "audio_corrupt"),
        (
            lambda: b"ID3\x03\x00\x00\x00\x00\x00\x00" + bytes(range(256)) * 20,
            "kaputt.mp3",
            "audio_corrupt",
        ),
        (lambda: silent_wav(601), "lang.wav", "audio_too_long"),
        (lambda: b"RIFF" + b"\x00" * (20 * 1024 * 1024 + 1), "riesig.wav", "audio_too_large"),
        (lambda: b"", "leer.wav", "audio_empty"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(
    office: Office,
    _media: Path,
    make,
    filename: str,
    code: str,  # type: ignore[no-untyped-def]
) -> None:
    with pytest.raises(ApplicationError) as refused:
        services.audio_upload(
            customer=office.customer,
            acting_user=office.admin,
            name="x",
            kind="announcement",
            filename=filename,
            data=make(),
        )
    assert refused.value.code == code
    assert refused.value.fields["file"]
    assert not AudioFile.objects.exists()
    assert not OneTimeFeeEvent.objects.exists()
    assert _files(_media) == []


def test_mp3_renamed_to_wav_is_refused(mp3: bytes) -> None:
    with pytest.raises(ApplicationError) as refused:
        audio.check_audio(mp3, "falsch.wav")
    assert refused.value.code == "audio_wrong_type"


def test_corrupt_upload_via_api_answers_400_with_the_reason(office: Office, api: Api) -> None:
    upload = io.BytesIO(b"ID3" + b"\x00" * 3000)
    upload.name = "kaputt.mp3"
    response = api(office.admin).post(
        "/api/v1/audio-files/", {"kind": "announcement", "file": upload}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["error"] == "audio_corrupt"
    assert "MP3" in response.json()["fields"]["file"][0]


def test_audio_in_use_cannot_be_deleted(office: Office) -> None:
    stored = services.audio_upload(
        customer=office.customer,
        acting_user=office.admin,
        name="Ansage",
        kind="announcement",
        filename="a.wav",
        data=sine_wav(1),
    )
    services.ivr_menu_create(
        customer=office.customer,
        acting_user=office.admin,
        data={"name": "Menü", "announcement": stored},
    )
    with pytest.raises(ApplicationError) as refused:
        services.audio_delete(audio=stored, acting_user=office.admin)
    assert refused.value.code == "audio_in_use"
