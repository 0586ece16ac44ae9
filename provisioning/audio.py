"""Checking and converting uploaded audio (FEA-5).

An upload is accepted only if it really decodes as MP3 or WAV, is at most 20 MB and at most
10 minutes long. The telephony version is WAV, 8 kHz, mono, 16-bit PCM. Decoding uses
``miniaudio``, whose wheels bundle the decoders, so no system tools are needed.
"""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass

import miniaudio

from .errors import ApplicationError

MAX_BYTES = 20 * 1024 * 1024
MAX_SECONDS = 10 * 60
TELEPHONY_RATE = 8000
FORMATS = ("mp3", "wav")

__all__ = ["FORMATS", "MAX_BYTES", "MAX_SECONDS", "TELEPHONY_RATE", "CheckedAudio", "check_audio"]


@dataclass(frozen=True)
class CheckedAudio:
    """A decoded upload: its format, length and the telephony version (WAV bytes)."""

    format: str
    duration_ms: int
    telephony_wav: bytes


def _refuse(code: str, message: str, **params: str) -> ApplicationError:
    return ApplicationError(code, message, fields={"file": [message]}, params=params)


def _sniff(data: bytes, filename: str) -> str:
    """The format by content; the file name only has to agree."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        found = "wav"
    elif data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        found = "mp3"
    else:
        found = ""
    if suffix not in FORMATS or (found and found != suffix):
        raise _refuse(
            "audio_wrong_type", "Only MP3 and WAV files can be uploaded (file name .mp3 or .wav)."
        )
    if not found:
        raise _refuse(
            "audio_corrupt",
            f"The file is not a readable {suffix.upper()} file.",
            format=suffix.upper(),
        )
    return found


def _length_seconds(data: bytes, kind: str) -> float:
    info = miniaudio.mp3_get_info(data) if kind == "mp3" else miniaudio.wav_get_info(data)
    if not info.sample_rate or not info.num_frames:
        raise miniaudio.DecodeError("no audio frames")
    return float(info.num_frames) / float(info.sample_rate)


def check_audio(data: bytes, filename: str) -> CheckedAudio:
    """Decode ``data`` and convert it to the telephony format, or raise ``ApplicationError``
    (field ``file``) saying why it was refused."""
    if not data:
        raise _refuse("audio_empty", "The file is empty.")
    if len(data) > MAX_BYTES:
        raise _refuse("audio_too_large", "The file is larger than 20 MB.")
    kind = _sniff(data, filename)
    try:
        seconds = _length_seconds(data, kind)
        if seconds > MAX_SECONDS:
            raise _refuse(
                "audio_too_long",
                f"The recording is {int(seconds // 60)}:{int(seconds % 60):02d} min long; "
                "at most 10 minutes are allowed.",
            )
        decoded = miniaudio.decode(
            data,
            output_format=miniaudio.SampleFormat.SIGNED16,
            nchannels=1,
            sample_rate=TELEPHONY_RATE,
        )
    except miniaudio.DecodeError:
        raise _refuse(
            "audio_corrupt", f"The file is not a readable {kind.upper()} file.", format=kind.upper()
        ) from None
    if decoded.num_frames == 0:
        raise _refuse(
            "audio_corrupt", f"The file is not a readable {kind.upper()} file.", format=kind.upper()
        )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(TELEPHONY_RATE)
        out.writeframes(decoded.samples.tobytes())
    return CheckedAudio(
        format=kind,
        duration_ms=round(decoded.num_frames * 1000 / TELEPHONY_RATE),
        telephony_wav=buffer.getvalue(),
    )
