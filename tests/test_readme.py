"""The README's curl examples, run as a newcomer would run them, against a live server."""

import json
import re
import subprocess

from tests.support.client import without_cost
from tests.support.images import make_jpeg
from tests.support.live import BASE_DIR

README = (BASE_DIR / "README.md").read_text()


def runnable_blocks() -> str:
    return "\n".join(re.findall(r"```bash\n(.*?)```", README, flags=re.S))


def expected_outputs(script: str) -> list[dict]:
    # A comment that is a JSON document is the output the line above it prints.
    return [json.loads(m) for m in re.findall(r"^# (\{.*\})$", script, flags=re.M)]


def json_documents(text: str) -> list[dict]:
    decoder, documents, index = json.JSONDecoder(), [], 0
    while index < len(text):
        if text[index].isspace():
            index += 1
            continue
        document, index = decoder.raw_decode(text, index)
        documents.append(document)
    return documents


def test_readme_examples_answer_what_the_readme_says(live, tmp_path):
    script = runnable_blocks()
    assert "curl" in script
    (tmp_path / "photo.jpg").write_bytes(make_jpeg(1200, 900))
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        env={"API": f"{live.url}/graphql/", "PATH": "/usr/bin:/bin:/usr/local/bin"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr + live.log.read_text()[-2000:]
    # Every answer also carries extensions.cost (what is left of the budget moves with
    # time); the README says its outputs leave it out.
    answers = [without_cost(document) for document in json_documents(result.stdout)]
    assert answers == expected_outputs(script)
