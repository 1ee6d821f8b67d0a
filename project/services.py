"""Helpers every domain's services share."""

from typing import Any

from django.db import models


def model_update(instance: models.Model, *, data: dict[str, Any]) -> list[str]:
    """Set the fields in `data` whose value is given and differs, validate, save only them.

    None means "leave it as it is" (a partial update, as the update mutations take it).
    Only the changed fields are validated and written (and `auto_now` fields with them);
    answers their names, [] when nothing changed (then nothing is written).
    """
    changed = [
        name
        for name, value in data.items()
        if value is not None and getattr(instance, name) != value
    ]
    if not changed:
        return []
    for name in changed:
        setattr(instance, name, data[name])
    fields = instance._meta.concrete_fields
    instance.full_clean(
        exclude=[field.name for field in fields if field.name not in changed],
        validate_constraints=False,
    )
    auto_now = [field.name for field in fields if getattr(field, "auto_now", False)]
    instance.save(update_fields=[*changed, *auto_now])
    return changed
