"""A message that is only her reference is read as one; a reference inside a
longer request is left to the request (bot/rasa_components/reference_message.py)."""

import pytest

from bot.rasa_components.reference_message import is_reference_message


@pytest.mark.parametrize(
    "text",
    [
        "ELP-7K3D9X",
        "elp 7k3d9x",
        "ELP7K3D9X",
        "my reference is ELP-7K3D9X",
        "ref: elp-7k3d9x thanks",
        "hi its ELP-7K3D9X",
    ],
)
def test_her_reference_alone(text):
    assert is_reference_message(text, "ELP")


@pytest.mark.parametrize(
    "text",
    [
        "hello",
        "ELP",
        "ELP-7K3D",
        "help",
        "my reference is ELP-7K3D9X can i move my appointment to friday afternoon",
        "ELPH-7K3D9X",
        "XYZ-7K3D9X",
    ],
)
def test_not_a_reference_message(text):
    assert not is_reference_message(text, "ELP")
