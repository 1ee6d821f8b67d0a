"""A browser sends a direct upload with fetch(): headless Chromium against a live server.

With local storage the target is the app's own /uploads/ endpoint, so a page the app
serves PUTs the bytes same-origin: no CORS anywhere. A browser app on another origin
(a page this test serves itself) needs the app's CORS for /graphql/ and /uploads/
alike, which CORS_ALLOWED_ORIGINS gives it. (A bucket needs its own CORS rule for the
same PUT: see docs/settings.md, "S3, MinIO".)
"""

import base64
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.support.images import make_jpeg
from tests.support.live import sign_up
from tests.support.ports import free_port

PAGE_PORT = free_port()
PAGE_ORIGIN = f"http://127.0.0.1:{PAGE_PORT}"
USERNAME, PASSWORD = "grace", "compiler-a0-1952"

pytestmark = pytest.mark.live_server(extra_env={"CORS_ALLOWED_ORIGINS": PAGE_ORIGIN})

# The whole flow as a web app would write it: hash the file, declare it, PUT it to the
# target with exactly the headers it names, finalize.
UPLOAD_SCRIPT = """
const [api, token, fileBase64, done] = arguments;
(async () => {
  const bytes = Uint8Array.from(atob(fileBase64), (c) => c.charCodeAt(0));
  const file = new File([bytes], "browser.jpg", {type: "image/jpeg"});
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await file.arrayBuffer()));
  const sha256 = [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
  const gql = async (query, variables) => {
    const response = await fetch(api, {
      method: "POST",
      headers: {"Content-Type": "application/json", "Authorization": "JWT " + token},
      body: JSON.stringify({query, variables}),
    });
    return (await response.json()).data;
  };
  const target = (await gql(
    `mutation ($input: CreatePhotoUploadInput!) { createPhotoUpload(input: $input) {
       ... on UploadTarget { uploadId url method headers }
       ... on OperationInfo { messages { code field } } } }`,
    {input: {filename: file.name, contentType: file.type, sizeBytes: file.size, sha256}},
  )).createPhotoUpload;
  const put = await fetch(target.url, {method: target.method, headers: target.headers, body: file});
  const photo = (await gql(
    `mutation ($input: FinalizePhotoUploadInput!) { finalizePhotoUpload(input: $input) {
       ... on Photo { sha256 width height sizeBytes }
       ... on OperationInfo { messages { code field } } } }`,
    {input: {uploadId: target.uploadId}},
  )).finalizePhotoUpload;
  return {origin: location.origin, url: target.url, put: put.status, photo, sha256};
})().then(done, (error) => done({error: String(error)}));
"""


@pytest.fixture(scope="module")
def browser_module():
    from tests.support import browser

    if not browser.available():
        if os.environ.get("CI"):
            pytest.fail("CI must install the Debian packages chromium and chromium-driver")
        pytest.skip("no /usr/bin/chromium + /usr/bin/chromedriver (apt-get install chromium)")
    return browser


@pytest.fixture(scope="module")
def other_origin():
    """A blank page on another origin: a browser app that is not the API's."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"<!doctype html><title>photo app</title>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", PAGE_PORT), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield PAGE_ORIGIN
    server.shutdown()
    server.server_close()


def upload_from(driver, page: str, api: str, token: str, content: bytes) -> dict:
    driver.get(page)
    driver.set_script_timeout(30)
    encoded = base64.b64encode(content).decode()
    result = driver.execute_async_script(UPLOAD_SCRIPT, api, token, encoded)
    assert "error" not in result, (result, driver.get_log("browser"))
    return result


def test_a_page_of_the_app_uploads_same_origin(browser_module, live, other_origin, tmp_path):
    token = sign_up(live.url, USERNAME, PASSWORD, "grace@example.com")
    api = f"{live.url}/graphql/"
    with browser_module.chromium(tmp_path / "profile") as driver:
        content = make_jpeg(640, 480)
        same = upload_from(driver, f"{live.url}/healthz", api, token, content)
        assert same["origin"] == live.url and same["url"].startswith(f"{live.url}/uploads/")
        assert same["put"] == 200
        assert same["photo"]["sha256"] == same["sha256"]
        assert (same["photo"]["width"], same["photo"]["height"]) == (640, 480)
        assert same["photo"]["sizeBytes"] == len(content)

        # A browser app on another origin: the app's CORS covers its upload target too.
        other = upload_from(driver, f"{other_origin}/", api, token, make_jpeg(320, 240))
        assert other["origin"] == other_origin
        assert other["put"] == 200 and other["photo"]["width"] == 320
