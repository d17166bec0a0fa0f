import pytest

from bot.settings import DEV_SECRET, load_settings


def test_defaults_are_embedded_sqlite():
    s = load_settings({})
    assert s.database_url.startswith("sqlite:///") and s.database_url.endswith("var/elpis.db")
    assert not s.is_production


def test_production_refuses_default_secret_and_sqlite():
    s = load_settings({"ELPIS_ENV": "production"})
    with pytest.raises(RuntimeError, match="ELPIS_SECRET_KEY"):
        s.check()
    ok = load_settings({"ELPIS_ENV": "production", "ELPIS_SECRET_KEY": "x" * 40,
                        "DATABASE_URL": "postgresql://db/elpis", "ELPIS_LOOKUP_KEY": "l" * 32,
                        "ELPIS_DATA_KEYS": "bm90LWEtcmVhbC1rZXktanVzdC0zMi1ieXRlcy1sb25n"})
    ok.check()
    assert ok.secret_key != DEV_SECRET
