"""Set up a benchmark registry for the chain map (run in the bench database by bench_chain_map).

Loads the AI chain (`load-chains`, or an 8-segment chain made here if that command is missing),
puts every firm whose industry code matches a segment's codes into that segment with one SQL
statement per segment, and creates USERS city-admin users. Prints JSON.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
django.setup()

from django.core.management import call_command, get_commands  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from chainlead.accounts.models import RoleGrant, User  # noqa: E402
from chainlead.chains.models import Chain, Membership, Segment  # noqa: E402
from chainlead.core.models import DataVersion  # noqa: E402

PASSWORD = "Bench-Passw0rd!"  # noqa: S105 - a throwaway database
FALLBACK_SEGMENTS = [  # real GB/T 4754-2017 codes for the AI chain's links
    ("chips", "芯片", ["3973", "3562"]),
    ("storage", "存储", ["3912"]),
    ("servers", "板卡和服务器", ["3911", "3919"]),
    ("networks", "网络", ["3921", "631"]),
    ("computing", "算力中心", ["6450"]),
    ("cloud", "云服务和基础软件", ["6550", "6511"]),
    ("models", "基础模型和框架", ["6513", "7320"]),
    ("applications", "行业应用", ["6519", "6531"]),
]


def chain() -> Chain:
    if "load_chains" in get_commands():
        call_command("load_chains", "--only", "ai")
        return Chain.objects.get(slug="ai")
    made = Chain.objects.create(slug="ai", name="人工智能", name_en="Artificial intelligence")
    for order, (slug, name, codes) in enumerate(FALLBACK_SEGMENTS, start=1):
        Segment.objects.create(chain=made, slug=slug, name=name, order=order, industry_codes=codes)
    return made


def main() -> None:
    users = int(sys.argv[1]) if len(sys.argv) > 1 else 16
    the_chain = chain()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    table = Membership._meta.db_table
    members = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for segment in the_chain.segments.all():
            prefixes = [f"{c}%" for c in segment.industry_codes if c]
            if not prefixes:
                continue
            like = " OR ".join(["e.industry_id LIKE %s"] * len(prefixes))
            cursor.execute(
                f"INSERT INTO {table} (enterprise_id, segment_id, role, source, confidence, "
                "evidence, review_status, created_at) SELECT e.id, %s, 'member', "
                f"'industry_rule', 1, '', 'accepted', %s FROM registry_enterprise e WHERE {like} "
                "ON CONFLICT DO NOTHING",
                [segment.pk, now, *prefixes],
            )
            members += cursor.rowcount
        DataVersion.bump("chains")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE") if connection.vendor == "postgresql" else None
    names = []
    for i in range(users):
        user = User.objects.create_user(f"bench{i}", password=PASSWORD)
        RoleGrant.objects.create(user=user, role="city_admin")
        names.append(user.username)
    print(
        json.dumps(
            {"chain": the_chain.slug, "memberships": members, "users": names, "password": PASSWORD}
        )
    )


if __name__ == "__main__":
    main()
