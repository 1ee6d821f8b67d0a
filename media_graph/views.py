"""The app's variant URLs: check the signature, make the variant once, redirect to it."""

from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect

from media_graph import storage, variants
from media_graph.imaging.ladder import LADDER
from media_graph.render_slots import RendersBusy
from media_graph.storage import url_windows

# Seconds a client waits before it asks again when renders or storage are busy.
RETRY_AFTER = "2"


def _busy(message: str) -> HttpResponse:
    response = HttpResponse(message, status=503, content_type="text/plain")
    response["Retry-After"] = RETRY_AFTER
    return response


def variant_redirect(request, photo_id: int, version: int, width: int, ext: str):
    """302 to the stored variant (rendered and stored first, the first time).

    A bad or expired signature is 403 before anything else: no query, no storage call,
    so a stranger cannot make the app render anything. A URL handed to anyone serves
    only while the photo is public; the owner's while it exists (media_graph.variants).
    The redirect may be cached until the window ends; the stored object it points at
    stays valid a window longer.
    """
    audience = variants.url_audience(photo_id, version, width, ext, request.GET)
    if audience is None:
        return HttpResponse("Bad or expired signature.", status=403, content_type="text/plain")
    fmt = variants.FORMAT_OF_EXTENSION.get(ext)
    if version != variants.VERSION or fmt is None or not 1 <= width <= LADDER[-1]:
        return HttpResponse("No such variant.", status=404, content_type="text/plain")
    public = audience == "public"
    name = variants.stored_name(photo_id, width, fmt, public=public)
    if name is None:
        try:
            name = variants.variant_make(photo_id=photo_id, width=width, fmt=fmt, public=public)
        except RendersBusy:
            return _busy("Too many images are being made right now.")
        except ValidationError:  # storage_unavailable
            return _busy("Storage is not answering.")
    if name is None:
        return HttpResponse("No such variant.", status=404, content_type="text/plain")
    response = HttpResponseRedirect(storage.url(name))
    response["Cache-Control"] = f"private, max-age={url_windows.seconds_left_in_window()}"
    return response
