"""`chainlead setup-city`: load the configured city's districts (and check the industry table)."""

from typing import Any

from django.core.management.base import BaseCommand

from chainlead.registry.models import Industry
from chainlead.registry.reference_data import districts_load, industries_load


class Command(BaseCommand):
    help = "Load the city's districts and make sure GB/T 4754-2017 is complete."

    def handle(self, *args: Any, **options: Any) -> None:
        added = industries_load()
        districts = districts_load()
        self.stdout.write(
            f"Industries: {Industry.objects.count()} codes ({added} added). Districts: {districts}."
        )
