"""A clip's sound: the WAV file and the IPython player at their default rate, and the player
keeps the synthesized level (a quiet clip stays quiet, it is not normalized to full scale)."""

import io
import wave

import numpy as np
import pytest

from jazzwidget.music.clip import Clip, Step
from jazzwidget.music.piece import ChordSpan


@pytest.fixture
def clip() -> Clip:
    steps = [Step("C,0.500", 0.0, 0.25, 65), Step("R,0.500", 0.25, 0.5, None),
             Step("C,1.000", 0.5, 1.0, 69)]
    return Clip(steps, [ChordSpan("F7", 0.0, 1.0)], tempo=120, duration=1.0)


def pcm(wav: bytes) -> tuple[int, np.ndarray]:
    with wave.open(io.BytesIO(wav)) as handle:
        return handle.getframerate(), np.frombuffer(handle.readframes(handle.getnframes()), "<i2")


def test_the_wav_file_is_22050_hz_by_default(clip, tmp_path):
    rate, samples = pcm(clip.to_wav(tmp_path / "c.wav").read_bytes())
    assert rate == 22050 and len(samples) == 22050


def test_the_ipython_player_is_22050_hz_at_the_synthesized_level(clip):
    audio = clip.audio()
    rate, samples = pcm(audio.data)
    assert rate == 22050 and len(samples) == 22050
    peak = np.abs(clip.render(22050)).max()
    assert 0.05 < peak < 0.9  # room to see normalization
    assert np.abs(samples).max() == pytest.approx(peak * 32767, abs=2)
