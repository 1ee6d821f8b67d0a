"""GraphiQL loads from this server alone (no CDN) and sends the headers its editor holds."""

import json
import os
import re
import time

import pytest

from tests.support.client import without_cost
from tests.support.live import sign_up

ASSET = re.compile(r"""<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)\"""")
USERNAME, PASSWORD = "ada", "analytical-engine-1843"

pytestmark = pytest.mark.live_server(extra_env={"GRAPHIQL": "1"})


def graphiql_page(client) -> str:
    response = client.get("/graphql/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode()


def test_graphiql_page_uses_only_local_assets(client, settings):
    settings.GRAPHIQL = True
    html = graphiql_page(client)
    assert "unpkg.com" not in html and "cdn" not in html.lower()
    assets = [url for url in ASSET.findall(html) if not url.startswith("data:")]
    assert len(assets) == 4, assets
    for url in assets:
        assert url.startswith("/static/graphiql/"), url
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"".join(response.streaming_content), url
    assert "isHeadersEditorEnabled: true" in html
    assert "shouldPersistHeaders: true" in html
    assert '{"Authorization": "JWT <token>"}' in html


def test_no_graphiql_when_switched_off(client, settings):
    settings.GRAPHIQL = False
    assert client.get("/graphql/", HTTP_ACCEPT="text/html").status_code == 404


# --- a real headless Chromium against a real server ------------------------------------


@pytest.fixture(scope="module")
def browser_module():
    from tests.support import browser

    if not browser.available():
        if os.environ.get("CI"):
            pytest.fail("CI must install the Debian packages chromium and chromium-driver")
        pytest.skip(
            "no /usr/bin/chromium + /usr/bin/chromedriver "
            "(apt-get install chromium chromium-driver)"
        )
    return browser


def wait_for(driver, script: str, timeout: float = 15, *args):
    """Run `script` in the page until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = driver.execute_script(script, *args)
        if value:
            return value
        if time.monotonic() > deadline:
            logs = driver.get_log("browser")
            raise AssertionError(f"timed out waiting for: {script}\nconsole: {logs}")
        time.sleep(0.1)


EDITOR_VALUE = "return document.querySelector(arguments[0]).CodeMirror.getValue()"
QUERY_EDITOR = ".graphiql-query-editor .CodeMirror"
HEADERS_EDITOR = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"
RESPONSE = ".result-window .CodeMirror"


def type_into(driver, selector: str, text: str) -> None:
    """Click into a GraphiQL editor and replace its text by typing, as a person would."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.find_element(By.CSS_SELECTOR, f"{selector} .CodeMirror-lines").click()
    keyboard = driver.find_element(By.CSS_SELECTOR, f"{selector} textarea")  # CodeMirror's
    keyboard.send_keys(Keys.CONTROL, "a")
    keyboard.send_keys(Keys.DELETE)
    keyboard.send_keys(text)
    # CodeMirror closes brackets and quotes as one types, and skips over them when the
    # closing one is typed: what ends up in the editor is exactly what was typed.
    assert driver.execute_script(EDITOR_VALUE, selector) == text


def welcome_fits_a_1280_px_window(driver) -> None:
    from media_graph.demo.data import DEFAULT_PASSWORD, USERS

    driver.set_window_size(1280, 800)
    time.sleep(0.5)  # CodeMirror measures again on the resize event
    welcome = driver.execute_script(EDITOR_VALUE, QUERY_EDITOR)
    assert DEFAULT_PASSWORD in welcome
    assert all(user.username in welcome for user in USERS)
    # Nothing is cut off: the editor needs no horizontal scrolling at this width.
    widths = driver.execute_script(
        "const s = document.querySelector(arguments[0]).CodeMirror.getScrollInfo();"
        "return [s.width, s.clientWidth];",
        QUERY_EDITOR,
    )
    assert widths[0] <= widths[1], widths
    driver.set_window_size(1400, 1000)


def test_graphiql_in_headless_chromium(browser_module, live, tmp_path):
    token = sign_up(live.url, USERNAME, PASSWORD, "ada@example.com")
    with browser_module.chromium(tmp_path / "profile") as driver:
        browser_module.requested_urls(driver)  # drop the start page's log
        driver.get(f"{live.url}/graphql/")
        wait_for(driver, "return document.querySelector(arguments[0])", 15, QUERY_EDITOR)
        welcome_fits_a_1280_px_window(driver)
        # "Headers" is the tab shown first (defaultEditorToolsVisibility); click it anyway.
        headers_tab = wait_for(
            driver,
            "return [...document.querySelectorAll('.graphiql-editor-tools button')]"
            ".find(b => b.textContent.trim() === 'Headers')",
        )
        headers_tab.click()
        wait_for(driver, "return document.querySelector(arguments[0])", 5, HEADERS_EDITOR)

        type_into(driver, HEADERS_EDITOR, json.dumps({"Authorization": f"JWT {token}"}))
        type_into(driver, QUERY_EDITOR, "{ me { username } }")
        driver.find_element("css selector", ".graphiql-execute-button").click()

        response = wait_for(
            driver,
            "const r = document.querySelector(arguments[0]).CodeMirror.getValue();"
            "return r.includes('username') || r.includes('errors') ? r : null;",
            10,
            RESPONSE,
        )
        assert without_cost(json.loads(response)) == {"data": {"me": {"username": USERNAME}}}

        # GraphiQL kept the headers (shouldPersistHeaders) in the browser's storage.
        stored = driver.execute_script("return JSON.stringify(localStorage)")
        assert token in stored

        urls = browser_module.requested_urls(driver)
        assert any(u.endswith("/static/graphiql/graphiql.min.js") for u in urls), urls
        # data: and chrome:// URLs never touch the network; everything else must be ours.
        foreign = [u for u in urls if not u.startswith(("data:", "chrome:", f"{live.url}/"))]
        assert not foreign, f"requests that left the server: {foreign}"
