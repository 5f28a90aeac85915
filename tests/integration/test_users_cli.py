"""``peel users``: add (with the password policy), list, edit, deactivate, unlock, reset-password, revoke."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from peel.audit.models import AuditEvent
from peel.cli.main import app as cli
from peel.db.engine import make_engine, make_session_factory
from peel.identity.models import LoginFailure, StaffSession, User

runner = CliRunner()


@pytest.fixture
def env(database_url: str) -> dict[str, str]:
    return {"PEEL_DATABASE_URL": database_url, "PEEL_SECRET_KEY": "test-secret-key-0123456789abcdef0123456789"}


def users(database_url: str) -> dict[str, User]:
    engine = make_engine(database_url, "FULL")
    with make_session_factory(engine)() as session:
        out = {u.username: u for u in session.execute(select(User)).scalars()}
        session.expunge_all()
    engine.dispose()
    return out


def peel(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = runner.invoke(cli, ["users", *args], env=env)
    return result.exit_code, result.output


def test_it_refuses_a_common_or_repetitive_password_with_the_reason(env: dict[str, str], database_url: str) -> None:
    assert peel(env, "add", "jess", "--role", "officer", "--password", "aaaaaaaaaaaa") == (
        2,
        "the password repeats one character more than 3 times in a row\n",
    )
    code, out = peel(env, "add", "jess", "--role", "officer", "--password", "password1234")
    assert code == 2 and "too easy to guess" in out
    assert "jess" not in users(database_url)


def test_it_runs_an_account_from_the_command_line(env: dict[str, str], database_url: str) -> None:
    assert peel(env, "add", "root", "--role", "admin", "--password", "lantern-meadow-quartz-violin")[0] == 0
    assert peel(env, "add", "jess", "--role", "officer", "--password", "lantern-meadow-quartz-violin")[0] == 0
    assert peel(env, "edit", "jess", "--name", "Jess Okafor", "--role", "investigator")[0] == 0
    assert (users(database_url)["jess"].display_name, users(database_url)["jess"].role) == (
        "Jess Okafor",
        "investigator",
    )
    assert peel(env, "deactivate", "jess")[0] == 0 and not users(database_url)["jess"].active
    code, out = peel(env, "list")
    assert code == 0 and "deactivated" in out and "never" in out
    assert peel(env, "reactivate", "jess")[0] == 0 and users(database_url)["jess"].active
    code, out = peel(env, "reset-password", "jess")
    assert code == 0 and "shown once" in out and users(database_url)["jess"].must_change_password
    assert peel(env, "unlock", "jess")[0] == 0
    assert peel(env, "revoke", "jess")[0] == 0
    code, out = peel(env, "deactivate", "root")
    assert code == 2 and "last active administrator" in out
    engine = make_engine(database_url, "FULL")
    with make_session_factory(engine)() as session:
        actions = set(session.execute(select(AuditEvent.action).where(AuditEvent.object_id == "jess")).scalars())
        assert session.execute(select(LoginFailure)).first() is None
        assert session.execute(select(StaffSession).where(StaffSession.revoked.is_(False))).first() is None
        actors = set(session.execute(select(AuditEvent.username).where(AuditEvent.object_id == "jess")).scalars())
    engine.dispose()
    assert {"user.edit", "user.deactivate", "user.reactivate", "user.reset_password", "user.unlock"} <= actions
    assert all(a.startswith("cli:") for a in actors)


def test_it_says_so_for_an_unknown_user(env: dict[str, str]) -> None:
    code, out = peel(env, "unlock", "nobody")
    assert code == 2 and "no user called 'nobody'" in out
