"""Content pages: home feed, community page, events, post detail, share landing, compose, search, member posts,
review queue; and the HTMX actions (like, favourite, comment, reply, vote, sign-up, check-in, share) that
return fragments. Thin: the services and selectors do the work."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.communities import selectors as community_selectors
from quanzi.communities.selectors import community_get, has_perm, membership_get
from quanzi.content import selectors, services
from quanzi.content.enums import PostKind
from quanzi.content.hooks import COMPOSE_EXTRAS, HOME_PANELS
from quanzi.content.models import Post
from quanzi.content.refs import find_topics
from quanzi.core.pagecache import anonymous_page
from quanzi.core.pages import call_service, page_of
from quanzi.core.timeutil import SHANGHAI

if TYPE_CHECKING:
    from quanzi.accounts.models import User
    from quanzi.communities.models import Community


def _user(request: HttpRequest) -> Any:
    return request.user if request.user.is_authenticated else None


def _hx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


def _community(request: HttpRequest, slug: str) -> Community:
    return community_get(slug=slug, user=_user(request))


def _post(request: HttpRequest, post_id: int) -> Post:
    return selectors.post_get_for_viewer(post_id=post_id, viewer=_user(request))


def _fragment(request: HttpRequest, template: str, ctx: dict[str, Any], errors: list[str],
              back: str) -> HttpResponse:
    """HTMX gets the fragment (400 when the service refused); a plain form post goes back to the page."""
    if _hx(request):
        return render(request, template, {**ctx, "errors": errors}, status=400 if errors else 200)
    for e in errors:
        messages.error(request, e)
    return redirect(back)


# --- feeds ----------------------------------------------------------------------------------------------


@anonymous_page
def home(request: HttpRequest) -> HttpResponse:
    """Members: posts from their communities and the people they follow. Visitors: hot public posts."""
    user = _user(request)
    qs = selectors.home_feed(viewer=user) if user is not None else selectors.public_hot_feed()
    page = page_of(request, qs)
    fallback = None
    if user is not None and not page.object_list:
        fallback = list(selectors.public_hot_feed(viewer=user)[:20])
    panels = mark_safe("".join(fn(request) or "" for _name, fn in sorted(HOME_PANELS.items())))  # noqa: S308
    return render(request, "content/home.html", {"page": page, "fallback": fallback, "nav": "home",
                                                 "home_panels": panels})


@anonymous_page
def community_page(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    user = _user(request)
    order = "hot" if request.GET.get("order") == "hot" else "latest"
    page = page_of(request, selectors.community_feed(community=community, viewer=user, order=order))
    return render(request, "content/community.html", {
        "community": community, "membership": membership_get(user=user, community=community), "tab": "feed",
        "order": order, "page": page, "checkin": selectors.checkin_status(user=user, community=community),
        "can_post": has_perm(user=user, community=community, perm="post"),
        "can_moderate": selectors.can_moderate(user=user, community=community),
    })


def community_events(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    user = _user(request)
    page = page_of(request, selectors.events_upcoming(community=community, viewer=user))
    return render(request, "content/events.html", {
        "community": community, "membership": membership_get(user=user, community=community), "tab": "events",
        "page": page,
    })


def topic_page(request: HttpRequest, name: str) -> HttpResponse:
    """A #topic: the posts naming it, newest first (picture notes as cover cards, like every feed)."""
    user = _user(request)
    topic = selectors.topic_get(name=name)
    page = page_of(request, selectors.topic_feed(topic=topic, viewer=user))
    return render(request, "content/topic.html", {"topic": topic, "page": page,
                                                  "count": selectors.topic_post_count(topic=topic, viewer=user)})


@login_required
def favourites(request: HttpRequest) -> HttpResponse:
    """我 › 我的收藏: the posts I favourited, the latest favourite first."""
    page = page_of(request, selectors.favourite_posts(viewer=request.user))
    return render(request, "content/favourites.html", {"page": page, "nav": "me"})


def member_posts(request: HttpRequest, user_id: int) -> HttpResponse:
    """A fragment (loaded by the profile page): the member's posts, with a "more" button."""
    page = page_of(request, selectors.member_posts(user_id=user_id, viewer=_user(request)), per_page=10)
    return render(request, "content/_member_posts.html", {"page": page, "member_id": user_id})


# --- a post ---------------------------------------------------------------------------------------------


def _detail_ctx(request: HttpRequest, post: Post, **extra: Any) -> dict[str, Any]:
    user = _user(request)
    community = post.community
    return {
        "post": post, "community": community,
        "comments": list(selectors.comment_tree(post=post, viewer=user)),
        "can_post": has_perm(user=user, community=community, perm="post"),
        "can_moderate": selectors.can_moderate(user=user, community=community),
        "is_author": user is not None and post.author_id == user.pk,
        "is_public": selectors.post_is_public(post),
        "mention_maps": selectors.mention_maps(post_id=post.pk), "topics": selectors.post_topic_names(post_id=post.pk),
        **extra,
    }


def post_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _post(request, post_id)
    services.post_view(viewer=_user(request), post=post)
    return render(request, "content/post_detail.html", _detail_ctx(request, post))


def share_landing(request: HttpRequest, token: str) -> HttpResponse:
    share = services.share_visit(token=token, viewer=_user(request))
    post = _post(request, share.post_id)
    return render(request, "content/post_detail.html", _detail_ctx(request, post, share=share))


def _comments_fragment(request: HttpRequest, post_id: int, errors: list[str]) -> HttpResponse:
    post = _post(request, post_id)
    return _fragment(request, "content/_comments.html", _detail_ctx(request, post), errors, f"/p/{post_id}/")


@login_required
@require_POST
def comment_create(request: HttpRequest, post_id: int) -> HttpResponse:
    errors: list[str] = []
    parent = request.POST.get("parent_id", "")
    call_service(errors, services.comment_create, author=request.user, post=_post(request, post_id),
                 body=request.POST.get("body", ""), parent_id=int(parent) if parent.isdigit() else None)
    return _comments_fragment(request, post_id, errors)


@login_required
@require_POST
def answer_accept(request: HttpRequest, post_id: int, comment_id: int) -> HttpResponse:
    errors: list[str] = []
    call_service(errors, services.answer_accept, actor=request.user, post=_post(request, post_id),
                 comment_id=comment_id)
    return _comments_fragment(request, post_id, errors)


@login_required
@require_POST
def reaction_toggle(request: HttpRequest, post_id: int, kind: str) -> HttpResponse:
    errors: list[str] = []
    call_service(errors, services.reaction_toggle, user=request.user, post=_post(request, post_id), kind=kind)
    return _fragment(request, "content/_actions.html", {"post": _post(request, post_id)}, errors, f"/p/{post_id}/")


@login_required
@require_POST
def poll_vote(request: HttpRequest, post_id: int) -> HttpResponse:
    errors: list[str] = []
    ids = [int(x) for x in request.POST.getlist("option") if x.isdigit()]
    call_service(errors, services.poll_vote, user=request.user, post=_post(request, post_id), option_ids=ids)
    return _fragment(request, "content/_poll.html", {"post": _post(request, post_id)}, errors, f"/p/{post_id}/")


@login_required
@require_POST
def event_signup(request: HttpRequest, post_id: int) -> HttpResponse:
    errors: list[str] = []
    fn = services.event_cancel if request.POST.get("cancel") else services.event_signup
    call_service(errors, fn, user=request.user, post=_post(request, post_id))
    return _fragment(request, "content/_event.html", {"post": _post(request, post_id)}, errors, f"/p/{post_id}/")


@login_required
@require_POST
def share_create(request: HttpRequest, post_id: int) -> HttpResponse:
    errors: list[str] = []
    post = _post(request, post_id)
    share = call_service(errors, services.share_create, user=request.user, post=post,
                         channel=request.POST.get("channel", "link"))
    url = request.build_absolute_uri(f"/s/{share.token}/") if share is not None else ""
    if not _hx(request) and share is not None:
        messages.success(request, _("分享链接：%(url)s") % {"url": url})
    return _fragment(request, "content/_share_box.html", {"post": post, "share_url": url}, errors,
                     f"/p/{post_id}/")


@login_required
@require_POST
def post_delete(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _post(request, post_id)
    services.post_delete_own(actor=request.user, post=post)  # type: ignore[arg-type]
    messages.success(request, _("帖子已删除"))
    return redirect(f"/c/{post.community.slug}/")


@login_required
@require_POST
def checkin(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    errors: list[str] = []
    call_service(errors, services.checkin, user=request.user, community=community,
                 note=request.POST.get("note", ""))
    ctx = {"community": community, "checkin": selectors.checkin_status(user=request.user, community=community),
           "can_post": has_perm(user=request.user, community=community, perm="post")}
    return _fragment(request, "content/_checkin.html", ctx, errors, f"/c/{slug}/")


# --- moderation -----------------------------------------------------------------------------------------


@login_required
def review(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    page = page_of(request, selectors.held_posts(community=community, viewer=request.user))
    held_comments = list(selectors.held_comments(community=community, viewer=request.user)[:50])
    return render(request, "content/review.html", {
        "community": community, "membership": membership_get(user=request.user, community=community),
        "tab": "manage", "page": page, "held_comments": held_comments,
    })


_MODERATION: dict[str, Callable[..., Post]] = {
    "approve": services.post_approve, "reject": services.post_reject, "remove": services.post_remove,
    "restore": services.post_restore,
}


@login_required
@require_POST
def moderate_post(request: HttpRequest, post_id: int, action: str) -> HttpResponse:
    fn = _MODERATION.get(action)
    post = _post(request, post_id)
    if fn is None:
        return redirect(f"/p/{post_id}/")
    errors: list[str] = []
    kwargs: dict[str, Any] = {"actor": request.user, "post": post}
    if action in ("reject", "remove", "restore"):
        kwargs["reason"] = request.POST.get("reason", "")
    call_service(errors, fn, **kwargs)
    post.refresh_from_db()
    return _fragment(request, "content/_moderated.html", {"post": post, "action": action}, errors,
                     request.POST.get("next") or f"/p/{post_id}/")


@login_required
@require_POST
def comment_fold(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = selectors.comment_get(comment_id=comment_id)
    errors: list[str] = []
    call_service(errors, services.comment_fold, actor=request.user, comment=comment,
                 reason=request.POST.get("reason", ""))
    return _comments_fragment(request, comment.post_id, errors)


@login_required
@require_POST
def comment_review(request: HttpRequest, comment_id: int, action: str) -> HttpResponse:
    """From the review queue: approve a held comment, or fold it (it stays, never deleted)."""
    comment = selectors.comment_get(comment_id=comment_id)
    errors: list[str] = []
    if action == "approve":
        call_service(errors, services.comment_approve, actor=request.user, comment=comment)
    else:
        call_service(errors, services.comment_fold, actor=request.user, comment=comment,
                     reason=request.POST.get("reason", ""))
    comment.refresh_from_db()
    return _fragment(request, "content/_comment_reviewed.html", {"c": comment}, errors,
                     f"/c/{comment.post.community.slug}/review/")


# --- compose --------------------------------------------------------------------------------------------


def _local(value: str) -> dt.datetime | None:
    """A datetime-local field is the member's wall clock in Asia/Shanghai."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value).replace(tzinfo=SHANGHAI)
    except ValueError:
        return None


def _int(value: str) -> int | None:
    value = (value or "").strip()
    return int(value) if value.lstrip("-").isdigit() else None


def _poll_values(request: HttpRequest) -> list[str]:
    """Ten option inputs, keeping what was typed when the form comes back with an error."""
    typed = request.POST.getlist("poll_option") if request.method == "POST" else []
    return (typed + [""] * 10)[:10]


@login_required
def compose(request: HttpRequest) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    errors: list[str] = []
    mine = list(community_selectors.my_communities(user=me))
    topic = find_topics("#" + request.GET.get("topic", ""))  # from a topic page: start the text with its #topic
    form: Any = request.POST if request.method == "POST" else {"community": request.GET.get("c", ""),
                                                               "kind": request.GET.get("kind", "note"),
                                                               "body": f"#{topic[0]} " if topic else ""}
    if request.method == "POST":
        slug = request.POST.get("community", "")
        community = next((c for c in mine if c.slug == slug), None)
        if community is None:
            errors.append(_("请选择要发布到的社群"))
        else:
            post = call_service(
                errors, services.post_create, author=me, community=community,
                kind=request.POST.get("kind", PostKind.NOTE), title=request.POST.get("title", ""),
                body=request.POST.get("body", ""), images=request.FILES.getlist("images"),
                publish_at=_local(request.POST.get("publish_at", "")),
                poll_options=[o for o in request.POST.getlist("poll_option") if o.strip()],
                poll_multiple=request.POST.get("poll_multiple") == "on",
                poll_closes_at=_local(request.POST.get("poll_closes_at", "")),
                event_starts_at=_local(request.POST.get("event_starts_at", "")),
                event_ends_at=_local(request.POST.get("event_ends_at", "")),
                event_location=request.POST.get("event_location", ""),
                event_capacity=_int(request.POST.get("event_capacity", "")),
                event_signup_deadline=_local(request.POST.get("event_signup_deadline", "")),
            )
            if post is not None:
                for _name, extra in sorted(COMPOSE_EXTRAS.items()):
                    for problem in extra.saved(request, post):
                        messages.warning(request, problem)
                if post.status == "held":
                    messages.warning(request, post.display_status_reason)
                elif post.status == "scheduled":
                    messages.success(request, _("已加入发布计划，将在设定时间发布"))
                else:
                    messages.success(request, _("发布成功"))
                return redirect(f"/p/{post.pk}/")
    return render(request, "content/compose.html", {
        "communities": mine, "kinds": PostKind.choices, "form": form, "errors": errors, "nav": "compose",
        "poll_values": _poll_values(request),
        "compose_extras": mark_safe("".join(extra.panel(request, form)  # noqa: S308  (each panel escapes its own)
                                            for _name, extra in sorted(COMPOSE_EXTRAS.items()))),
    }, status=400 if errors else 200)
