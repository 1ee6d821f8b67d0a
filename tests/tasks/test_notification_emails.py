"""Notification email through a real SMTP server (aiosmtpd): a new follower and a new
comment are mailed, once, to the recipient only, and nothing goes when the recipient
turned `emailNotifications` off. Inline (no broker: after commit, in the request) and
through a real broker and Celery worker, where a refusing server is retried."""

import pytest

from media_graph.models import Notification
from media_graph.notification_emails import send_notification_email
from tests.support.factories import gid, make_photo
from tests.support.queue import broker, flush, redis_url_or_skip, wait_for, worker
from tests.support.smtpserver import SMTPServer

FOLLOW = "mutation($u: String!) { followUser(input: {username: $u}) { __typename } }"
UNFOLLOW = "mutation($u: String!) { unfollowUser(input: {username: $u}) { __typename } }"
LIKE = "mutation($p: ID!) { likePhoto(input: {photoId: $p}) { __typename } }"
COMMENT = """mutation($p: ID!, $t: String!) {
  addComment(input: {photoId: $p, text: $t}) { __typename } }"""
EMAIL_OFF = """mutation { updateProfile(input: {emailNotifications: false}) {
  ... on User { emailNotifications } } }"""


@pytest.fixture
def smtp(settings):
    server = SMTPServer().start()
    server.use(settings)
    yield server
    server.stop()


def run(client, document: str, **variables) -> dict:
    return client.execute(document, variables).data


def addressed(smtp: SMTPServer) -> list[tuple[list[str], str]]:
    return [(m.recipients, m.subject) for m in smtp.messages()]


# --- inline: no broker, sent after the request's transaction commits ------------------

inline = pytest.mark.django_db


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run what each request leaves for after its commit, as production does."""

    def call(client, document, **variables):
        with django_capture_on_commit_callbacks(execute=True):
            return run(client, document, **variables)

    return call


@inline
@pytest.mark.usefixtures("counters_stay_right")
def test_a_new_follower_is_mailed_to_the_followee_only(smtp, client_of, after_commit, alice, bob):
    after_commit(client_of(alice), FOLLOW, u="bob")
    (mail,) = smtp.messages()
    assert mail.recipients == ["bob@example.com"]
    assert mail.sender == "noreply@photos.test"
    assert mail.subject == "Alice started following you"
    assert "@alice" in mail.body
    # A second follow changes nothing and mails nothing.
    after_commit(client_of(alice), FOLLOW, u="bob")
    assert len(smtp.messages()) == 1


MUTE = "mutation($u: String!) { muteUser(input: {username: $u}) { __typename } }"


@inline
@pytest.mark.usefixtures("counters_stay_right")
def test_nothing_is_mailed_from_someone_muted(smtp, client_of, after_commit, alice, bob):
    photo = gid("Photo", make_photo(bob, "sunset").pk)
    after_commit(client_of(bob), MUTE, u="alice")
    after_commit(client_of(alice), FOLLOW, u="bob")
    after_commit(client_of(alice), COMMENT, p=photo, t="Hello")
    assert smtp.messages() == []


@inline
@pytest.mark.usefixtures("counters_stay_right")
def test_a_comment_is_mailed_with_its_text_and_a_like_is_not(
    smtp, client_of, after_commit, alice, bob
):
    photo = gid("Photo", make_photo(bob, "sunset").pk)
    after_commit(client_of(alice), LIKE, p=photo)
    assert smtp.messages() == []
    after_commit(client_of(alice), COMMENT, p=photo, t="What light!")
    (mail,) = smtp.messages()
    assert (mail.recipients, mail.subject) == (["bob@example.com"], "Alice commented on your photo")
    assert "What light!" in mail.body


@inline
@pytest.mark.usefixtures("counters_stay_right")
def test_your_own_comment_mails_nobody(smtp, client_of, after_commit, bob):
    photo = gid("Photo", make_photo(bob, "sunset").pk)
    after_commit(client_of(bob), COMMENT, p=photo, t="mine")
    assert smtp.messages() == []


@inline
@pytest.mark.usefixtures("counters_stay_right")
def test_no_email_once_the_recipient_turned_it_off(smtp, client_of, after_commit, alice, bob):
    assert run(client_of(bob), EMAIL_OFF) == {"updateProfile": {"emailNotifications": False}}
    photo = gid("Photo", make_photo(bob, "sunset").pk)
    after_commit(client_of(alice), FOLLOW, u="bob")
    after_commit(client_of(alice), COMMENT, p=photo, t="hello")
    assert smtp.messages() == []
    # The notifications themselves are there all the same.
    assert Notification.objects.filter(recipient=bob).count() == 2


@inline
def test_one_email_per_notification_and_none_once_it_is_withdrawn(
    smtp, django_capture_on_commit_callbacks, alice, bob, make_user
):
    from media_graph.services.follows import user_follow, user_unfollow

    with django_capture_on_commit_callbacks(execute=False):
        user_follow(follower=alice, followee=bob)
    notification = Notification.objects.get(recipient=bob)
    assert send_notification_email(notification.pk) is True
    assert send_notification_email(notification.pk) is False  # a redelivered task
    assert len(smtp.messages()) == 1
    carol = make_user("carol")
    with django_capture_on_commit_callbacks(execute=False):
        user_follow(follower=carol, followee=bob)
    withdrawn = Notification.objects.get(recipient=bob, actor=carol).pk
    user_unfollow(follower=carol, followee=bob)
    assert send_notification_email(withdrawn) is False
    # Queued while bob wanted email, sent after he turned it off: the task asks again.
    dave = make_user("dave")
    with django_capture_on_commit_callbacks(execute=False):
        user_follow(follower=dave, followee=bob)
    bob.email_notifications = False
    bob.save(update_fields=["email_notifications"])
    assert send_notification_email(Notification.objects.get(actor=dave).pk) is False
    assert len(smtp.messages()) == 1


@inline
def test_a_display_name_cannot_break_a_header(smtp, client_of, after_commit, alice, bob):
    alice.display_name = "Eve\nBcc: everyone@example.com\r\n"
    alice.save(update_fields=["display_name"])
    after_commit(client_of(alice), FOLLOW, u="bob")
    (mail,) = smtp.messages()
    assert mail.recipients == ["bob@example.com"]
    assert mail.subject == "Eve Bcc: everyone@example.com started following you"
    assert mail.message["Bcc"] is None


@inline
def test_inline_a_refusing_server_is_logged_not_raised(
    smtp, client_of, after_commit, alice, bob, caplog
):
    smtp.refuse(1)
    after_commit(client_of(alice), FOLLOW, u="bob")  # the request still answers
    assert smtp.messages() == []
    assert "could not send the email for notification" in caplog.text
    # The claim was released: a later try (the repair of a future day) may send it.
    assert Notification.objects.get(recipient=bob).emailed_at is None


@pytest.mark.django_db(transaction=True)  # each follow commits, and mails, as it runs
@pytest.mark.usefixtures("counters_stay_right")
def test_fifteen_requests_of_follow_and_unfollow_aliases_send_one_email(
    smtp, client_of, alice, bob
):
    """The flood: 15 requests of 7 followUser and 7 unfollowUser aliases each."""
    pairs = " ".join(
        f'f{n}: followUser(input: {{username: "bob"}}) {{ __typename }} '
        f'u{n}: unfollowUser(input: {{username: "bob"}}) {{ __typename }}'
        for n in range(7)
    )
    for _ in range(15):
        run(client_of(alice), f"mutation {{ {pairs} }}")
    assert addressed(smtp) == [(["bob@example.com"], "Alice started following you")]


@inline
def test_one_comment_email_per_photo_an_hour_whatever_the_actors_name(
    smtp, client_of, after_commit, alice, bob
):
    first, second = (gid("Photo", make_photo(bob, name).pk) for name in ("one", "two"))
    after_commit(client_of(alice), COMMENT, p=first, t="a")
    alice.display_name = "Someone Else"  # a new subject line is not a new subject
    alice.save(update_fields=["display_name"])
    after_commit(client_of(alice), COMMENT, p=first, t="b")
    after_commit(client_of(alice), COMMENT, p=second, t="c")
    assert [subject for _, subject in addressed(smtp)] == [
        "Alice commented on your photo",
        "Someone Else commented on your photo",
    ]
    assert "c" in smtp.messages()[1].body.split("photo:")[1]


# --- through a real broker (Redis) and a real Celery worker ---------------------------

queued = pytest.mark.django_db(transaction=True)


@pytest.fixture
def running_worker(settings):
    url = redis_url_or_skip()
    flush(url)
    settings.TASK_RETRY_BACKOFF = 0.2
    settings.TASK_RETRY_BACKOFF_MAX = 0.5
    with broker(settings, url), worker():
        yield
    flush(url)


@queued
@pytest.mark.usefixtures("counters_stay_right")
def test_the_worker_mails_followers_and_comments_to_those_who_want_it(
    smtp, running_worker, client_of, alice, bob, make_user
):
    carol = make_user("carol")
    run(client_of(carol), EMAIL_OFF)
    photo = gid("Photo", make_photo(carol, "dunes").pk)
    run(client_of(alice), FOLLOW, u="carol")  # carol wants none
    run(client_of(bob), COMMENT, p=photo, t="nice")  # nor of this
    run(client_of(alice), FOLLOW, u="bob")
    wait_for(lambda: smtp.messages(), what="bob's email")
    assert addressed(smtp) == [(["bob@example.com"], "Alice started following you")]
    # carol's were never queued: only bob's notification was claimed for an email.
    emailed = Notification.objects.filter(emailed_at__isnull=False)
    assert list(emailed.values_list("recipient__username", flat=True)) == ["bob"]
    assert Notification.objects.filter(recipient=carol).count() == 2


@queued
def test_the_worker_retries_a_server_that_refuses_for_now(
    smtp, running_worker, client_of, alice, bob
):
    smtp.refuse(2)
    run(client_of(alice), FOLLOW, u="bob")
    wait_for(lambda: smtp.messages(), what="the email after two refusals")
    assert addressed(smtp) == [(["bob@example.com"], "Alice started following you")]
    assert smtp.refusals == 0
