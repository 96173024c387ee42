"""The tasks, the platform's check-in reward table and the badges every installation starts with; operators edit
them in the back office. (Coupon rewards are not seeded: a coupon reward names a template, which an operator
creates first.)"""

from django.db import migrations

# code, section, trigger, target, period, link, title, description, [(kind, amount)]
TASKS = [
    ("profile", "novice", "profile_completed", 1, "once", "/me/edit/", "完善个人资料", "设置头像、昵称和简介",
     [("points", 50)]),
    ("join_community", "novice", "community_joined", 1, "once", "/discover/", "加入一个社群", "找到志同道合的圈子",
     [("points", 20)]),
    ("first_post", "novice", "post_created", 1, "once", "/discover/", "发布第一篇帖子", "在任意社群发帖",
     [("points", 30), ("growth", 10)]),
    ("first_order", "novice", "order_paid", 1, "once", "/shop/", "完成首单", "任意订单支付成功",
     [("points", 100), ("growth", 50)]),
    ("daily_checkin", "daily", "checkin", 1, "daily", "/my/communities/", "每日打卡", "在任意社群打卡",
     [("points", 5)]),
    ("daily_answer", "daily", "answer_created", 1, "daily", "/discover/", "回答一个问题", "帮助社群里的提问者",
     [("points", 10)]),
    ("daily_review_photos", "daily", "review_photos", 1, "daily", "/orders/", "晒图评价", "给收到的商品写带图评价",
     [("points", 20)]),
    ("weekly_checkin", "weekly", "checkin", 5, "weekly", "/my/communities/", "本周打卡 5 天", "每周一重新计算",
     [("points", 30), ("growth", 10)]),
    ("weekly_answers", "weekly", "answer_created", 3, "weekly", "/discover/", "本周回答 3 个问题", "每周一重新计算",
     [("points", 30)]),
    ("invite_one", "invite", "invite_first_order", 1, "once", "", "邀请 1 位好友完成首单", "好友首单支付后计入",
     [("points", 100)]),
    ("invite_three", "invite", "invite_first_order", 3, "once", "", "邀请 3 位好友完成首单", "好友首单支付后计入",
     [("points", 300), ("growth", 100)]),
]

# code, icon, name, description, rule, trigger, threshold
BADGES = [
    ("streak_7", "🔥", "打卡 7 天", "在一个社群连续打卡 7 天", "checkin_streak", "", 7),
    ("streak_30", "📅", "打卡 30 天", "在一个社群连续打卡 30 天", "checkin_streak", "", 30),
    ("streak_100", "🏆", "打卡 100 天", "在一个社群连续打卡 100 天", "checkin_streak", "", 100),
    ("helpful", "💡", "热心解答", "回答被提问者采纳", "fact_count", "answer_accepted", 1),
    ("expert", "🎓", "答疑专家", "10 个回答被采纳", "fact_count", "answer_accepted", 10),
    ("photo_reviewer", "📷", "晒图达人", "第一次写带图评价", "fact_count", "review_photos", 1),
    ("top_inviter", "🤝", "邀请达人", "5 位好友通过你的邀请完成首单", "fact_count", "invite_first_order", 5),
]

CHECKIN_TABLE = [(1, "points", 5), (3, "points", 10), (7, "points", 30)]


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    Task = apps.get_model("loyalty_tasks", "Task")  # noqa: N806
    TaskReward = apps.get_model("loyalty_tasks", "TaskReward")  # noqa: N806
    Badge = apps.get_model("loyalty_tasks", "Badge")  # noqa: N806
    CheckinRule = apps.get_model("loyalty_tasks", "CheckinRule")  # noqa: N806
    CheckinRewardStep = apps.get_model("loyalty_tasks", "CheckinRewardStep")  # noqa: N806
    for i, (code, section, trigger, target, period, link, title, description, rewards) in enumerate(TASKS):
        task, created = Task.objects.get_or_create(code=code, defaults={
            "section": section, "trigger": trigger, "target": target, "period": period, "link": link,
            "title": title, "description": description, "position": i})
        if created:
            TaskReward.objects.bulk_create([TaskReward(task=task, kind=k, amount=a) for k, a in rewards])
    for i, (code, icon, name, description, rule, trigger, threshold) in enumerate(BADGES):
        Badge.objects.get_or_create(code=code, defaults={
            "icon": icon, "name": name, "description": description, "rule": rule, "trigger": trigger,
            "threshold": threshold, "position": i})
    if not CheckinRule.objects.filter(community__isnull=True).exists():
        rule = CheckinRule.objects.create(title="连续打卡奖励", mode="continuous", repeat=True)
        CheckinRewardStep.objects.bulk_create([CheckinRewardStep(rule=rule, day=d, kind=k, amount=a)
                                               for d, k, a in CHECKIN_TABLE])


class Migration(migrations.Migration):
    dependencies = [("loyalty_tasks", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
