"""Set-up of benchmarks/search.py, run in the benchmark database's environment: USERS city-admin
users and the query mix drawn from the registry (seeded). Prints JSON."""

from __future__ import annotations

import json
import os
import random
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

import opencc  # noqa: E402

from chainlead.accounts.models import RoleGrant, User  # noqa: E402
from chainlead.registry.models import Enterprise  # noqa: E402

PASSWORD = "bench-search-password-1"  # noqa: S105 (a throw-away benchmark database)
SAMPLE = 300
# Characters a typist might hit instead of the right one (near in pinyin input or shape).
TYPOS = "华化话画恒衡泰太瑞锐鑫新达大润顺盛胜博搏创窗宏红源元信新诚成安案康抗嘉佳禾和明名德得"


def main() -> None:
    users = int(sys.argv[1]) if len(sys.argv) > 1 else 16
    names = []
    for i in range(users):
        user = User.objects.filter(username=f"bench{i}").first()
        if user is None:  # (BENCH_REUSE_DB: made by an earlier run)
            user = User.objects.create_user(f"bench{i}", password=PASSWORD)
            RoleGrant.objects.create(user=user, role="city_admin")
        names.append(user.username)
    rng = random.Random(1)
    top = Enterprise.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ids = rng.sample(range(1, top + 1), min(SAMPLE, top))
    rows = list(
        Enterprise.objects.filter(pk__in=ids).values_list("name", "credit_code", "stock_code")
    )
    s2t = opencc.OpenCC("s2t")
    queries: dict[str, list[str]] = {
        "name": [],
        "brand": [],
        "traditional": [],
        "typo": [],
        "credit_code": [],
        "code_prefix": [],
        "english": ["technology", "hangzhou digital", "tecnology", "electronics co"],
    }
    for name, credit, stock in rows:
        core = name.removesuffix("有限公司")
        brand = core[2:6]  # the place's two characters, then the brand and the trade
        queries["name"].append(core)
        queries["brand"].append(brand)
        queries["traditional"].append(s2t.convert(core))
        at = rng.randrange(len(brand))
        wrong = rng.choice([c for c in TYPOS if c != brand[at]])
        queries["typo"].append(brand[:at] + wrong + brand[at + 1 :])
        if credit:
            queries["credit_code"].append(credit)
            queries["code_prefix"].append(credit[:10])
        if stock:
            queries["credit_code"].append(stock)
    print(json.dumps({"users": names, "password": PASSWORD, "queries": queries}))


if __name__ == "__main__":
    main()
