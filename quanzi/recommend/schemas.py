from __future__ import annotations

from ninja import Field

from quanzi.core.schema import Schema


class RecItemOut(Schema):
    kind: str = Field(..., description="product | post")
    id: int
    title: str
    url: str
    reason: str = Field(..., description="similar | community_hot | friends_bought | interests | also_bought | "
                                         "also_viewed | popular")
    reason_label: str = Field(..., description="推荐理由，页面上显示（同社群热卖 / 好友买过 / 看过相似 …）")
    price_fen: int | None = Field(None, description="商品最低价（分）；帖子为空")
    image: str = ""


class RecListOut(Schema):
    name: str = Field(..., description="for_you | friends_bought | community_hot | also_bought")
    kind: str = Field(..., description="personalised（基于你的行为和关系）| popular（对所有人相同，非个性化）")
    source: str = Field(..., description="model（训练好的模型）| fallback（尚无模型：按热度）")
    items: list[RecItemOut]


class PreferenceIn(Schema):
    personalised: bool | None = Field(None, description="个性化推荐开关（电子商务法第十八条）")
    share_purchases: bool | None = Field(None, description="允许关注我的人在「好友买过」里看到我买过的商品")


class PreferenceOut(Schema):
    personalised: bool
    share_purchases: bool


class HideIn(Schema):
    kind: str = Field(..., description="product | post")
    item_id: int


class HiddenOut(Schema):
    kind: str
    item_id: int
