import pytest

from quanzi.accounts import selectors, services
from quanzi.accounts.models import ConsentRecord, Persona
from quanzi.core.errors import Conflict, InvalidInput, NotAuthenticated
from quanzi.core.models import Event

pytestmark = pytest.mark.django_db


def test_signup_by_phone_hashes_with_argon2_and_logs_in():
    user = services.user_signup(phone="13800000001", password="good-pass-1", nickname="小红")
    assert user.password.startswith("argon2")
    assert services.user_authenticate(login="13800000001", password="good-pass-1") == user
    assert Event.objects.filter(name="user.signup", user=user).count() == 1


def test_signup_by_email_and_login_case_insensitive():
    user = services.user_signup(email="Hong@Example.com", password="good-pass-1", nickname="小红")
    assert services.user_authenticate(login="HONG@example.com", password="good-pass-1") == user


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"phone": "12345", "password": "good-pass-1", "nickname": "a"}, "invalid_phone"),
        ({"email": "not-an-email", "password": "good-pass-1", "nickname": "a"}, "invalid_email"),
        ({"password": "good-pass-1", "nickname": "a"}, "login_needed"),
        ({"phone": "13800000002", "password": "short", "nickname": "a"}, "weak_password"),
        ({"phone": "13800000002", "password": "password", "nickname": "a"}, "weak_password"),
        ({"phone": "13800000002", "password": "aaaaaaaa", "nickname": "a"}, "weak_password"),
        ({"phone": "13800000002", "password": "12345678", "nickname": "a"}, "weak_password"),
        ({"phone": "13800000002", "password": "13800000002", "nickname": "a"}, "weak_password"),
        ({"phone": "13800000002", "password": "good-pass-1", "nickname": ""}, "invalid_nickname"),
    ],
)
def test_signup_rejects_bad_input_with_a_code(kwargs, code):
    with pytest.raises(InvalidInput) as exc:
        services.user_signup(**kwargs)
    assert exc.value.code == code


def test_duplicate_login_is_refused():
    services.user_signup(phone="13800000003", password="good-pass-1", nickname="a")
    with pytest.raises(Conflict):
        services.user_signup(phone="13800000003", password="good-pass-1", nickname="b")


def test_wrong_password_is_refused():
    services.user_signup(phone="13800000004", password="good-pass-1", nickname="a")
    with pytest.raises(NotAuthenticated):
        services.user_authenticate(login="13800000004", password="wrong-pass-1")


def test_persona_needs_consent_and_withdrawal_erases(member):
    with pytest.raises(InvalidInput) as exc:
        services.persona_set(user=member, field="region", value="上海", consent=False)
    assert exc.value.code == "consent_required"
    assert not Persona.objects.filter(user=member, region="上海").exists()
    services.persona_set(user=member, field="region", value="上海", consent=True)
    assert Persona.objects.get(user=member).region == "上海"
    services.consent_withdraw(user=member, field="region")
    assert Persona.objects.get(user=member).region == ""
    assert list(ConsentRecord.objects.filter(user=member).values_list("granted", flat=True).order_by("id")) == [
        True, False]


def test_persona_validates_values(member):
    with pytest.raises(InvalidInput):
        services.persona_set(user=member, field="birth_year", value=1800, consent=True)
    with pytest.raises(InvalidInput):
        services.persona_set(user=member, field="gender", value="x", consent=True)


def test_follow_counts_and_notifies(member, other):
    services.follow(follower=member, followee_id=other.pk)
    services.follow(follower=member, followee_id=other.pk)  # idempotent
    member.refresh_from_db()
    other.refresh_from_db()
    assert (member.following_count, other.follower_count) == (1, 1)
    assert selectors.is_following(follower=member, followee_id=other.pk)
    assert selectors.notification_list(user=other).first().kind == "follow"
    services.unfollow(follower=member, followee_id=other.pk)
    other.refresh_from_db()
    assert other.follower_count == 0


def test_cannot_follow_self(member):
    with pytest.raises(InvalidInput):
        services.follow(follower=member, followee_id=member.pk)


def test_token_round_trip(member):
    key = services.token_create(user=member)
    assert services.token_user(key) == member
    services.token_revoke(user=member, key=key)
    assert services.token_user(key) is None


def test_a_profile_edit_keeps_follows_made_meanwhile(member, other):
    from quanzi.accounts.models import User

    stale = User.objects.get(pk=member.pk)  # the request's user, loaded before someone followed
    services.follow(follower=other, followee_id=member.pk)
    services.profile_update(user=stale, bio="新的简介")
    member.refresh_from_db()
    assert (member.bio, member.follower_count) == ("新的简介", 1)
