"""Growth (增长): the campaigns that make community commerce spread. One package, one Django app per tool, each
plugging into `orders.pricing` and `orders.hooks` (orders never imports them):

- `growth.coupons`: coupon templates, claiming with quotas held atomically, redemption at checkout (满减 …);
- `growth.groupbuy`: group-buys (拼团) that succeed at exactly their size, paid places only;
- `growth.flashsale`: flash-sale sessions (秒杀 / 限时购) with an allotment that is never oversold;
- `growth.redpackets`: red packets (拼手气红包) split fairly among claimers, paid into a member balance (a
  ledger) that checkout can spend.
"""
