"""The service directory: listings (Open Referral UK shaped), search, hours, import/export.

Admin functions for the staff app and the CLI (each takes a Session):
create_service, update_service, delete_service, get_service, list_services,
import_csv, export_csv, import_openreferral_json, export_openreferral_json.
The action server calls bot.directory.search.search_directory.
"""

from bot.directory.bulk_import import ImportReport, RowError
from bot.directory.listing_edits import create_service, delete_service, update_service
from bot.directory.listing_input import DirectoryError
from bot.directory.listing_reads import get_service, list_services
from bot.directory.listings_csv import export_csv, import_csv
from bot.directory.oruk_json import export_openreferral_json, import_openreferral_json

__all__ = [
    "DirectoryError",
    "ImportReport",
    "RowError",
    "create_service",
    "delete_service",
    "export_csv",
    "export_openreferral_json",
    "get_service",
    "import_csv",
    "import_openreferral_json",
    "list_services",
    "update_service",
]
