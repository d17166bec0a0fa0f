"""Her full postcode is encrypted at rest; the district and borough stay searchable."""

from __future__ import annotations

from sqlalchemy import create_engine, select, text

from bot.db import crypto, migrate
from bot.db.models import Referral
from bot.db.session import session_scope
from bot.referrals.service import ReferralDraft, submit_referral


def test_the_postcode_is_unreadable_in_the_database_and_reads_back(db_url):
    ref = submit_referral(
        ReferralDraft(
            conversation_id="c-postcode",
            channel="rest",
            pathway="self",
            preferred_name="Jo",
            postcode="SW9 7AB",
            outcode="SW9",
            borough="Lambeth",
        )
    )
    with session_scope() as s:
        stored = s.execute(
            text("SELECT postcode, outcode, borough FROM referrals WHERE id = :id"), {"id": ref.referral_id}
        ).one()
        assert "SW9 7AB" not in stored.postcode and "7AB" not in stored.postcode
        assert crypto.decrypt(stored.postcode) == "SW9 7AB"
        assert (stored.outcode, stored.borough) == ("SW9", "Lambeth")  # reports and search use these
        assert s.execute(select(Referral.postcode).where(Referral.id == ref.referral_id)).scalar_one() == "SW9 7AB"
        assert s.execute(select(Referral.id).where(Referral.borough == "Lambeth")).scalar_one() == ref.referral_id


def test_the_migration_encrypts_postcodes_stored_before_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate.upgrade(url, "0013_alert_notices")
    engine = create_engine(url, future=True)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO women (id, preferred_name, sms_opted_out, created_at, updated_at) "
                "VALUES (1, 'Jo', 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO referrals (id, reference, woman_id, pathway, postcode, outcode, borough, in_coverage, "
                "status, created_at, updated_at) VALUES (1, 'ELP-TEST01', 1, 'self', 'SE15 4QF', 'SE15', "
                "'Southwark', 1, 'submitted', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            )
        )
    postcode = "SELECT postcode FROM referrals WHERE id = 1"
    try:
        migrate.upgrade(url)
        with engine.connect() as conn:
            stored = conn.execute(text(postcode)).scalar_one()
        assert stored != "SE15 4QF" and crypto.decrypt(stored) == "SE15 4QF"
        migrate.downgrade(url, "0013_alert_notices")
        with engine.connect() as conn:
            assert conn.execute(text(postcode)).scalar_one() == "SE15 4QF"
    finally:
        engine.dispose()
