"""What operators see and do at /admin/: users, photos, comments and albums (the
moderators' reports are in reports.py).

Every change goes through the services the API uses, so a delete here removes stored
objects too and every counter stays right: the admin's own delete (the button and the
"delete selected" action) is routed to them, and adding rows is left to the API.
Services that let only an owner act are called with the owner as the actor: an
operator moderates with the owner's rights, no more.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from media_graph.models import Album, Comment, Photo
from media_graph.services.account_deletion import user_delete
from media_graph.services.albums import album_delete
from media_graph.services.comments import comment_delete
from media_graph.services.photos import photo_delete, photo_unpublish
from users.models import User
from users.services.accounts import user_set_active

COUNTERS = ("followers_count", "following_count", "photos_count")


class ServiceDeletes:
    """A ModelAdmin whose deletes call `delete_one(obj)` (a service), one row at a time."""

    def delete_one(self, obj) -> None:
        raise NotImplementedError

    def delete_model(self, request, obj) -> None:
        self.delete_one(obj)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self.delete_one(obj)

    def has_add_permission(self, request) -> bool:
        return False  # rows are made through the API, where the rules live


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "email", "is_active", "is_staff", *COUNTERS, "date_joined")
    list_filter = ("is_active", "is_staff", "is_superuser")
    readonly_fields = (*COUNTERS, "last_login", "date_joined")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Profile", {"fields": ("display_name", "bio", *COUNTERS)}),
    )
    # A password set with the admin's own form ends the account's sessions too (User.save).
    actions = ("deactivate", "reactivate", "sign_out_everywhere")

    def has_add_permission(self, request) -> bool:
        # Accounts are made by `register` (its rules) or, for operators, createsuperuser.
        return False

    def delete_model(self, request, obj) -> None:
        user_delete(user=obj)

    def delete_queryset(self, request, queryset) -> None:
        for user in queryset:
            user_delete(user=user)

    @admin.action(description="Deactivate: hidden everywhere, tokens stop working")
    def deactivate(self, request, queryset) -> None:
        for user in queryset:
            user_set_active(user=user, active=False)
        self.message_user(request, f"{queryset.count()} account(s) deactivated.", messages.SUCCESS)

    @admin.action(description="Reactivate")
    def reactivate(self, request, queryset) -> None:
        for user in queryset:
            user_set_active(user=user, active=True)
        self.message_user(request, f"{queryset.count()} account(s) reactivated.", messages.SUCCESS)

    @admin.action(
        description="Sign out everywhere: every JWT, refresh and access token ends",
        permissions=["change"],
    )
    def sign_out_everywhere(self, request, queryset) -> None:
        for user in queryset:
            user.end_sessions(access_tokens=True)
        self.message_user(
            request, f"{queryset.count()} account(s) signed out everywhere.", messages.SUCCESS
        )


@admin.register(Photo)
class PhotoAdmin(ServiceDeletes, admin.ModelAdmin):
    list_display = (
        "id",
        "owner",
        "status",
        "caption",
        "processing_status",
        "likes_count",
        "hidden_at",
    )
    list_filter = ("status", "processing_status")
    list_select_related = ("owner",)
    search_fields = ("caption", "owner__username")
    # Hidden by a moderator (the reports' queue, moderation/admin/reports.py) when set.
    fields = (
        "owner",
        "status",
        "caption",
        "alt_text",
        "original",
        "processing_status",
        "hidden_at",
    )
    readonly_fields = fields
    actions = ("unpublish",)

    def delete_one(self, obj: Photo) -> None:
        photo_delete(photo=obj, actor=obj.owner)  # its stored objects go after the commit

    @admin.action(description="Unpublish (back to draft)")
    def unpublish(self, request, queryset) -> None:
        for photo in queryset.select_related("owner"):
            photo_unpublish(photo=photo, actor=photo.owner)
        self.message_user(request, "Unpublished.", messages.SUCCESS)


@admin.register(Comment)
class CommentAdmin(ServiceDeletes, admin.ModelAdmin):
    list_display = ("id", "author", "photo", "text", "created_at", "hidden_at")
    list_select_related = ("author", "photo")
    search_fields = ("text", "author__username")
    fields = ("author", "photo", "text", "created_at", "hidden_at")
    readonly_fields = fields

    def delete_one(self, obj: Comment) -> None:
        comment_delete(comment=obj, actor=obj.author)


@admin.register(Album)
class AlbumAdmin(ServiceDeletes, admin.ModelAdmin):
    list_display = ("id", "owner", "title", "visibility", "created_at")
    list_filter = ("visibility",)
    list_select_related = ("owner",)
    search_fields = ("title", "owner__username")
    fields = ("owner", "title", "description", "visibility", "created_at")
    readonly_fields = fields

    def delete_one(self, obj: Album) -> None:
        album_delete(album=obj, actor=obj.owner)  # the photos stay
