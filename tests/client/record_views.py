"""Record the ``get_views`` replies the form-view tests replay (tests/fixtures/client/*.json).

Run ``python tests/client/record_views.py`` after changing the views of base, library or test_orm:
it installs them with demo data in a throw-away database of the test PostgreSQL and stores what
the server sends to the client, so the layout and widget tests run without a server.
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

VIEWS = {
    "res_partner": ("res.partner", [[False, "form"], [False, "list"], [False, "search"]]),
    "library_loan": ("library.loan", [[False, "form"], [False, "list"]]),
    "library_book": ("library.book", [[False, "form"], [False, "list"]]),
    "test_orm_order": ("test.orm.order", [[False, "form"], [False, "list"]]),
}


def main():
    import conftest
    from bureau.db.embedded import EmbeddedPostgres
    from bureau.db.server import DatabaseServer
    from bureau.modules.discovery import set_addons_path
    from bureau.modules.loading import install_modules

    set_addons_path([conftest.TEST_ADDONS])
    embedded = EmbeddedPostgres(conftest.test_data_dir())
    pg = DatabaseServer(embedded.start(), maxconn=8)
    name = conftest.new_db_name("record_views")
    pg.create_database(name)
    try:
        install_modules(pg, name, ["library", "test_orm"], demo=True, admin_password="record-views-password")
        env = conftest.make_env(pg, name)
        out = ROOT / "tests" / "fixtures" / "client"
        out.mkdir(parents=True, exist_ok=True)
        for key, (model, views) in VIEWS.items():
            result = env[model].get_views(views, {"toolbar": True})
            (out / f"{key}_views.json").write_text(json.dumps(result, indent=1, sort_keys=True, default=str))
            print("recorded", key)
        env.cr.rollback()
        env.cr.close()
    finally:
        from bureau.orm.registry import Registry
        Registry.delete(name)
        pg.drop_database(name)
        pg.close()
        embedded.stop()


if __name__ == "__main__":
    main()
