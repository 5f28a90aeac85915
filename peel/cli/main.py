"""``peel``: serve, migrate, load the demo force, add users, verify the audit chain."""

from __future__ import annotations

import contextlib
import getpass
import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from peel.settings import DEVELOPMENT_SECRET_KEY, Settings

if TYPE_CHECKING:
    from peel.db.uow import UnitOfWork

app = typer.Typer(help="Peel: an open digital policing platform.", no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
demo_app = typer.Typer(help="The synthetic demo force.", no_args_is_help=True)
users_app = typer.Typer(help="Staff accounts.", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(demo_app, name="demo")
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")


def _mount_jobs() -> None:
    from peel.jobs.cli import app as jobs_app

    app.add_typer(jobs_app, name="jobs")


_mount_jobs()
console = Console()


def _mount_optional() -> None:
    try:
        from peel.analytics.cli import app as analytics_app
    except ImportError:
        return
    app.add_typer(analytics_app, name="analytics", help="Crime data import, hotspot forecasts and back-tests.")


@app.command()
def serve(
    host: str = typer.Option(None, help="Address to listen on (default: PEEL_HOST)."),
    port: int = typer.Option(None, help="Port (default: PEEL_PORT)."),
    workers: int = typer.Option(None, help="Server processes (default: PEEL_WORKERS); >1 needs PEEL_REDIS_URL."),
    demo: bool = typer.Option(False, "--demo", help="Demo mode: allows the development secret key."),
) -> None:
    """Serve the web application and API (refuses the development secret key unless --demo)."""
    import uvicorn

    settings = Settings()
    _refuse_weak_key(settings, demo)
    workers = workers or settings.workers
    if workers > 1 and settings.is_sqlite is False and not settings.redis_url:
        console.print("[yellow]Several workers without PEEL_REDIS_URL: live updates stay within one process.")
    console.print(f"Peel on http://{host or settings.host}:{port or settings.port}")
    uvicorn.run(
        "peel.web.asgi:app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        log_level="info",
        # A client's address decides its sign-in back-off and is audited: believe forwarded headers only from
        # proxies named in PEEL_TRUSTED_PROXIES, never from anyone who sends one.
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=settings.trusted_proxies or None,
    )


MIN_KEY_LENGTH = 32
HOW_TO_SET_KEY = (
    "Set PEEL_SECRET_KEY to a long random value (in the environment or .env), e.g.\n"
    "  export PEEL_SECRET_KEY=\"$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')\"\n"
    "or run `peel serve --demo` for the synthetic demo force."
)


def _refuse_weak_key(settings: Settings, demo: bool) -> None:
    """The key signs sessions and the audit chain: one anyone can read would let them re-sign an edited chain."""
    key = settings.secret_key.get_secret_value()
    if key == DEVELOPMENT_SECRET_KEY:
        if demo:
            console.print("[yellow]Demo mode: using the development secret key (never for real data).")
            return
        console.print(
            "[red]Refusing to serve with the development secret key, which is published in the source.\n"
            + HOW_TO_SET_KEY
        )
        raise typer.Exit(2)
    if len(key) < MIN_KEY_LENGTH:
        console.print(f"[red]PEEL_SECRET_KEY is too short: use at least {MIN_KEY_LENGTH} characters.\n{HOW_TO_SET_KEY}")
        raise typer.Exit(2)


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Create or migrate the schema to the latest revision."""
    from peel.db.migrate import upgrade

    settings = Settings()
    upgrade(settings.database_url, revision)
    console.print(f"[green]Database at revision {revision}[/green] ({_safe_url(settings.database_url)})")


@demo_app.command("load")
def demo_load(
    seed: int = typer.Option(42, help="Random seed: the same seed gives the same force."),
    people: int = typer.Option(400, min=10, max=100_000, help="Synthetic people to create."),
    days: int = typer.Option(28, min=1, max=365, help="Days of contact history to create."),
) -> None:
    """Load the synthetic demo force (idempotent: does nothing if it is already loaded)."""
    from peel.demo.loader import load_demo

    settings = Settings()
    with _progress() as progress:
        summary = load_demo(settings, seed=seed, people=people, days=days, progress=progress)
    console.print(summary)


@demo_app.command("logins")
def demo_logins() -> None:
    """Print the URL and one demo login per role."""
    from peel.demo.accounts import DEMO_PASSWORD, demo_accounts

    settings = Settings()
    console.print(f"\n[bold]Peel demo[/bold]: http://{settings.host}:{settings.port}   (all data is synthetic)")
    for username, _name, role, _team in demo_accounts():
        console.print(f"  {role:<13} {username:<16} password: {DEMO_PASSWORD}")


@users_app.command("add")
def users_add(
    username: str,
    role: str = typer.Option(
        ...,
        help="call_handler, dispatcher, officer, investigator, supervisor, analyst, prosecutor, auditor or admin",
    ),
    name: str = typer.Option("", help="Display name."),
    team: str = typer.Option("", help="Team name."),
    password: str = typer.Option("", help="Password (prompted if omitted; or PEEL_NEW_PASSWORD)."),
) -> None:
    """Add a staff account (the password must pass the policy: long, not common, not repetitive)."""
    from peel.accounts import service as admin
    from peel.identity.service import create_user

    secret = password or os.environ.get("PEEL_NEW_PASSWORD") or getpass.getpass("Password: ")
    with _admin_uow() as uow:
        create_user(uow, username, name or username, role, secret, admin.team_id_for(uow, team))
        uow.commit()
    console.print(f"[green]Added {username} ({role})")


@users_app.command("list")
def users_list() -> None:
    """List staff accounts with their status (active, locked, flagged, last sign-in)."""
    from peel.accounts import service as admin

    with _admin_uow() as uow:
        users = admin.list_users(uow)
        uow.commit()
    for u in users:
        flags = ["active" if u.active else "deactivated"]
        flags += [
            f for f, on in (("locked", u.locked), ("flagged", u.flagged), ("must-change", u.must_change_password)) if on
        ]
        seen = u.last_login_at.isoformat(timespec="minutes") if u.last_login_at else "never"
        console.print(
            f"{u.username:<20} {u.role:<13} {u.team or '-':<16} {','.join(flags):<32} {seen}", highlight=False
        )


@users_app.command("edit")
def users_edit(
    username: str,
    name: str = typer.Option(None, help="New display name."),
    role: str = typer.Option(None, help="New role."),
    team: str = typer.Option(None, help="New team name ('' for none)."),
) -> None:
    """Change a user's display name, role or team."""
    from peel.accounts import service as admin

    with _admin_uow() as uow:
        user = admin.get_user(uow, username)
        team_now = _team_name(uow, user.team_id)
        admin.edit_user(uow, username, name or user.display_name, role or user.role, team_now if team is None else team)
        uow.commit()
    console.print(f"[green]Updated {username}")


@users_app.command("deactivate")
def users_deactivate(username: str) -> None:
    """Deactivate a user: they cannot sign in and their sessions and tokens stop working at once."""
    from peel.accounts import service as admin

    with _admin_uow() as uow:
        ended = admin.deactivate(uow, username)
        uow.commit()
    console.print(f"[green]Deactivated {username}; {ended} sessions ended")


@users_app.command("reactivate")
def users_reactivate(username: str) -> None:
    """Let a deactivated user sign in again."""
    from peel.accounts import service as admin

    with _admin_uow() as uow:
        admin.reactivate(uow, username)
        uow.commit()
    console.print(f"[green]Reactivated {username}")


@users_app.command("unlock")
def users_unlock(username: str) -> None:
    """Forget a user's failed sign-ins from every address and clear the safety-net flag."""
    from peel.accounts import service as admin

    with _admin_uow() as uow:
        admin.unlock(uow, username)
        uow.commit()
    console.print(f"[green]Unlocked {username}")


@users_app.command("reset-password")
def users_reset_password(
    username: str,
    password: str = typer.Option("", help="Temporary password (generated if omitted; or PEEL_NEW_PASSWORD)."),
) -> None:
    """Set a temporary password the user must change at next sign-in; ends their sessions and tokens."""
    from peel.accounts import service as admin

    with _admin_uow() as uow:
        secret = admin.reset_password(uow, username, password or os.environ.get("PEEL_NEW_PASSWORD", ""))
        uow.commit()
    console.print(f"[green]Temporary password for {username}[/green] (shown once): {secret}", highlight=False)


@users_app.command("revoke")
def users_revoke(username: str) -> None:
    """End every session and API token of a user at once."""
    from peel.accounts import service as admin

    with _admin_uow() as uow:
        ended = admin.revoke_all(uow, username)
        uow.commit()
    console.print(f"[green]{ended} sessions of {username} ended")


@contextlib.contextmanager
def _admin_uow() -> Iterator[UnitOfWork]:
    """A unit of work for an account command, audited as the operating-system user who ran it."""
    from peel.audit.file_witness import FileWitness
    from peel.audit.store import SqlAuditStore
    from peel.core.errors import PeelError
    from peel.db.engine import make_engine, make_session_factory
    from peel.db.uow import Actor, UnitOfWork

    settings = Settings()
    engine = make_engine(settings.database_url, settings.sqlite_synchronous)
    store = SqlAuditStore(
        settings.secret_key.get_secret_value().encode(),
        settings.audit_checkpoint_every,
        FileWitness(settings.audit_witness_path),
    )
    try:
        with UnitOfWork(make_session_factory(engine), store, Actor.system(f"cli:{getpass.getuser()}")) as uow:
            yield uow
    except PeelError as exc:
        console.print(f"[red]{exc.detail}", highlight=False)
        raise typer.Exit(2) from exc
    finally:
        engine.dispose()


def _team_name(uow: UnitOfWork, team_id: int | None) -> str:
    from peel.workforce.models import Team

    team = uow.session.get(Team, team_id) if team_id else None
    return team.name if team else ""


@audit_app.command("verify")
def audit_verify() -> None:
    """Check every audit entry, checkpoint and the signed head, and the database against the witness file;
    exit 1 if anything was tampered with."""
    from sqlalchemy import func, select

    from peel.audit.file_witness import FileWitness
    from peel.audit.models import AuditEvent
    from peel.audit.store import verify_store
    from peel.db.engine import make_engine, make_session_factory

    settings = Settings()
    engine = make_engine(settings.database_url, settings.sqlite_synchronous)
    key = settings.secret_key.get_secret_value().encode()
    witness = FileWitness(settings.audit_witness_path)
    with make_session_factory(engine)() as session, session.begin():
        total = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
        with _progress() as progress:
            task = progress.add_task("Verifying audit chain", total=total)
            result = verify_store(session, key, witness, on_entry=lambda: progress.advance(task))
    engine.dispose()
    verdict, report = result.verdict, result.witness
    witnessed = (
        f"witness {result.witness_where}: {report.checkpoints} checkpoints, head at entry {report.head_seq}"
        if report
        else "no witness"
    )
    if verdict.ok:
        console.print(
            f"[green]Audit chain intact[/green]: {verdict.entries_checked} entries, "
            f"{verdict.checkpoints_checked} checkpoints, signed head verified; {witnessed}, agrees."
        )
    else:
        console.print(f"[red]Audit chain broken[/red]: {len(verdict.problems)} problems ({witnessed})")
        for problem in verdict.problems[:50]:
            console.print(f"  - {problem}")
    for note in verdict.notes[:20]:
        console.print(f"  [yellow]note[/yellow]: {note}")
    if not verdict.ok:
        raise typer.Exit(1)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=not sys.stdout.isatty(),
    )


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def main() -> None:
    _mount_optional()
    app()


if __name__ == "__main__":
    main()
