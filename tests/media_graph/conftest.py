import pytest
from PIL import JpegImagePlugin


@pytest.fixture
def decodes(monkeypatch) -> list[tuple[int, int]]:
    """The size of every JPEG decode, as drafted (stored orientation)."""
    seen: list[tuple[int, int]] = []
    draft = JpegImagePlugin.JpegImageFile.draft

    def spy(self, mode, size):
        result = draft(self, mode, size)
        seen.append(self.size)
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    return seen
