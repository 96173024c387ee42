"""Copy the touches of the event log into `core.Touch` (what `order_attribution` reads since 0002), and rename the
product page's `page.product` events to the catalogue's `product.view` (via "page")."""

from django.db import migrations

BATCH = 1000


def copy_touches(apps, schema_editor):  # type: ignore[no-untyped-def]
    Event = apps.get_model("core", "Event")
    Touch = apps.get_model("core", "Touch")
    batch = []
    rows = (Event.objects.filter(name__in=("product.card_click", "post.view"), user_id__isnull=False,
                                 object_id__isnull=False)
            .exclude(name="post.view", share_token="")
            .order_by("id")
            .values_list("name", "user_id", "object_id", "community_id", "share_token", "props", "created_at"))
    for name, user_id, object_id, community_id, token, props, created_at in rows.iterator(chunk_size=BATCH):
        if name == "product.card_click":
            post_id = (props or {}).get("post_id")
            if not isinstance(post_id, int):
                continue
            touch = Touch(user_id=user_id, kind="card_click", product_id=object_id, post_id=post_id,
                          share_token=token or "", community_id=community_id, created_at=created_at)
        else:
            touch = Touch(user_id=user_id, kind="share_view", post_id=object_id, share_token=token,
                          community_id=community_id, created_at=created_at)
        batch.append(touch)
        if len(batch) >= BATCH:
            Touch.objects.bulk_create(batch)
            batch = []
    if batch:
        Touch.objects.bulk_create(batch)
    Event.objects.filter(name="page.product").update(name="product.view", props={"via": "page"})


def drop_touches(apps, schema_editor):  # type: ignore[no-untyped-def]
    # Touches are derived from the log: going back before this migration forgets them all (going forward again
    # copies them again). The renamed page views keep their new name.
    apps.get_model("core", "Touch").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_event_created_at_default_touch"),
    ]

    operations = [
        migrations.RunPython(copy_touches, drop_touches),
    ]
