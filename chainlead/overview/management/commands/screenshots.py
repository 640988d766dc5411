"""`chainlead screenshots`: refresh docs/screenshots/ from a running demo (`make demo`).

Logs in as the demo's users (the documented local demo password) with Playwright driving
Debian's chromium, and photographs the city overview (desktop, both languages, and a 390-px
phone), a firm file and the AI chain's map on the phone, and the district official's overview.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chainlead.accounts.demo import DEMO_PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import ViewportSize

CHROMIUM = "/usr/bin/chromium"
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1366, "height": 900}
DEMO_FIRM_STOCK_CODE = "002415"  # 海康威视, the demo enterprise user's firm


class Command(BaseCommand):
    help = "Photograph the overview, a firm file and the chain map from a running demo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "docs" / "screenshots"))

    def handle(self, *args: Any, **options: Any) -> None:
        if not Path(CHROMIUM).exists():
            raise CommandError(f"{CHROMIUM} is not installed (make system-deps installs it).")
        from playwright.sync_api import sync_playwright

        from chainlead.registry.models import Enterprise

        firm = Enterprise.objects.filter(stock_code=DEMO_FIRM_STOCK_CODE).first()
        if firm is None:
            raise CommandError("Load the demo first (chainlead load-demo).")
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        base = options["base_url"].rstrip("/")
        shots = [
            # (user, language, viewport, path, file name, full page)
            ("admin", "zh-hans", DESKTOP, "/overview/", "overview-zh.png", True),
            ("admin", "en", DESKTOP, "/overview/", "overview-en.png", True),
            ("admin", "zh-hans", PHONE, "/overview/", "overview-phone.png", True),
            ("binjiang", "zh-hans", PHONE, "/overview/", "overview-district-phone.png", True),
            ("admin", "zh-hans", PHONE, f"/registry/{firm.pk}/", "firm-file-phone.png", True),
            ("admin", "zh-hans", PHONE, "/chains/ai/", "chain-map-phone.png", False),
        ]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True
            )
            for user, language, viewport, path, name, full in shots:
                context = browser.new_context(viewport=viewport, device_scale_factor=1)
                context.add_cookies(
                    [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}]
                )
                page = context.new_page()
                page.goto(f"{base}/accounts/login/")
                page.fill("#id_username", user)
                page.fill("#id_password", DEMO_PASSWORD)
                page.click("button[type=submit].btn")
                page.wait_for_load_state("networkidle")
                if "/accounts/login/" in page.url:
                    raise CommandError(f"{user} could not log in at {base} (demo password?).")
                page.goto(f"{base}{path}")
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(out / name), full_page=full)
                context.close()
                self.stdout.write(str(out / name))
            browser.close()
