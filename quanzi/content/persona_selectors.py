"""Reads of one member's conversations for personas' social tags: replies given to others and received from
others (comments on the member's posts and replies to the member's comments), since a moment."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from quanzi.content.models import Comment


def replies_given(*, user_id: int, since: dt.datetime) -> int:
    """Comments the member wrote on someone else's post or in reply to someone else's comment."""
    return Comment.objects.filter(author_id=user_id, created_at__gte=since).filter(
        ~Q(post__author_id=user_id) | (Q(parent__isnull=False) & ~Q(parent__author_id=user_id))).count()


def replies_received(*, user_id: int, since: dt.datetime) -> int:
    """Comments others wrote on the member's posts or in reply to the member's comments."""
    return Comment.objects.filter(created_at__gte=since).exclude(author_id=user_id).filter(
        Q(post__author_id=user_id) | Q(parent__author_id=user_id)).count()
