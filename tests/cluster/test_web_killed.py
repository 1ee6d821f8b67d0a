"""One web process killed (kill -9, master and workers) during uploads to both: the
other answers on, and afterwards no stored object lacks its row once `make_thumbnails
--fix` (the repair) has run and check mode finds nothing, and no row lacks its object."""

import time

from tests.cluster.api import Answer
from tests.cluster.faults import burst, is_coded
from tests.cluster.repair import drift, settle


def test_uploads_across_a_killed_web_process(api, cluster):
    _, token = api.sign_up()

    def kill_web1():
        cluster.kill("web1")
        time.sleep(2)  # uploads keep arriving: those for web1 are refused, web2 serves
        cluster.start("web1")

    answers = burst(
        [lambda: api.upload(token, width=1600, height=1200) for _ in range(12)],
        threads=4,
        fault=kill_web1,
        after=3,
    )
    served = [a for a in answers if isinstance(a, Answer)]
    broken = [a for a in answers if not isinstance(a, Answer)]
    print(f"{len(broken)} of {len(answers)} uploads lost their connection")
    for answer in served:
        assert is_coded(answer), (answer.status, answer.body)
    assert any(a.web == cluster.config.web_urls[1] and a.status == 200 for a in served)

    # A row never commits without its original: nothing is "lost", before or after.
    assert not [line for line in drift(cluster) if "original is missing" in line]
    leftovers = settle(cluster)
    assert leftovers == [], leftovers
