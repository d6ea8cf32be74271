"""Admin commands: migrate, seed the demo county, create a user, import a workbook, serve.

Run as `python -m backend.cli COMMAND`."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import sys
from pathlib import Path

from backend.core.settings import Settings

log = logging.getLogger("zhucuntong.cli")


def _settings() -> Settings:
    """The settings of a command that opens the database (every one but verify-poll, which reads
    a file alone and imports nothing of the ORM)."""
    from backend.hooks import install_process_hooks

    install_process_hooks()  # its audit events are chained as the app's are
    settings = Settings.from_env()
    settings.validate()
    return settings


def cmd_migrate(_args: argparse.Namespace) -> int:
    from backend.core.migrate import upgrade

    upgrade(_settings())
    print("数据库已迁移到最新版本 (migrated to head)")
    return 0


async def _seed_demo(settings: Settings, *, only_if_empty: bool) -> str:
    from backend.demo.cli_hooks import describe, seed_demo_database

    summary = await seed_demo_database(settings, only_if_empty=only_if_empty)
    if summary is None:
        return "数据库已有数据，跳过演示数据 (database not empty, demo skipped)"
    return describe(summary)


def cmd_seed_demo(args: argparse.Namespace) -> int:
    print(asyncio.run(_seed_demo(_settings(), only_if_empty=not args.force)))
    return 0


def _lan_address() -> str | None:
    """This machine's address on its local network (no packet is sent), or None."""
    import socket

    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))
            address = str(probe.getsockname()[0])
    except OSError:
        return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def startup_banner(settings: Settings, host: str, port: int) -> tuple[list[str], list[str]]:
    """(lines, warnings) of the start-up banner: where the app is served, what QR codes print, and
    why phones could not open them (backend/core/public_url.py)."""
    from backend.core.public_url import check_public_base_url

    lines = [f"驻村通 running on http://{host}:{port}"]
    if host in ("0.0.0.0", "::") and (lan := _lan_address()):
        lines.append(f"手机访问 (phones on this network): http://{lan}:{port}")
    if settings.public_base_url:
        lines.append(f"二维码地址 (QR codes print): {settings.public_base_url}  [PUBLIC_BASE_URL]")
    else:
        lines.append(
            "二维码地址 (QR codes print): 跟随手机访问的地址 (the address each request came to; PUBLIC_BASE_URL unset)"
        )
    return lines, check_public_base_url(settings.public_base_url, host, port)


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from backend.app import create_app
    from backend.observability.logs import configure_json_logging

    configure_json_logging()
    settings = _settings()
    lines, warnings = startup_banner(settings, args.host, args.port)
    if not getattr(args, "banner_printed", False):
        for line in lines:
            log.info("%s", line)
        for warning in warnings:
            log.warning("%s", warning)
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        log_level="info",
        proxy_headers=True,
        access_log=False,
        log_config=None,  # keep the JSON handler configured above
    )
    return 0


def cmd_up(args: argparse.Namespace) -> int:
    """What the README's run command ends with: migrate, demo data if empty, serve."""
    cmd_migrate(args)
    settings = _settings()
    print(asyncio.run(_seed_demo(settings, only_if_empty=True)), flush=True)
    lines, warnings = startup_banner(settings, args.host, args.port)
    for line in lines:
        print(line, flush=True)
    for warning in warnings:
        print(f"警告 (WARNING): {warning}", flush=True)
    args.banner_printed = True
    return cmd_serve(args)


async def _create_user(settings: Settings, args: argparse.Namespace, password: str) -> str:
    from sqlalchemy import select

    from backend.auth.passwords import hash_password
    from backend.core.db import make_engine, make_session_factory
    from backend.core.validation import check_password, clean_phone, clean_text
    from backend.org.models import OrgUnit, Role
    from backend.org.users import insert_user

    engine = make_engine(settings)
    try:
        async with make_session_factory(engine).begin() as session:
            unit = (await session.scalars(select(OrgUnit).where(OrgUnit.code == args.org_code))).first()
            if unit is None:
                raise SystemExit(f"找不到代码为 {args.org_code} 的组织")
            phone = clean_phone(args.phone)
            user = await insert_user(
                session,
                phone=phone,
                name=clean_text(args.name, "name", "姓名"),
                password_hash=hash_password(check_password(password, phone=phone)),
                role=Role(args.role),
                org_unit=unit,
            )
            return f"已创建账号 #{user.id}（{user.role.value}，{unit.name}）"
    finally:
        await engine.dispose()


def cmd_create_user(args: argparse.Namespace) -> int:
    password = getpass.getpass("密码 (password): ") if sys.stdin.isatty() else sys.stdin.readline().strip()
    print(asyncio.run(_create_user(_settings(), args, password)))
    return 0


async def _create_county(settings: Settings, args: argparse.Namespace) -> str:
    from backend.core.db import make_engine, make_session_factory
    from backend.org.counties import create_county

    engine = make_engine(settings)
    try:
        async with make_session_factory(engine).begin() as session:
            county = await create_county(session, args.name, args.code, center_lat=args.lat, center_lng=args.lng)
            return f"已创建县 #{county.id}（{county.name}，代码 {county.code}）"
    finally:
        await engine.dispose()


def cmd_create_county(args: argparse.Namespace) -> int:
    from backend.core.errors import DomainError

    try:
        print(asyncio.run(_create_county(_settings(), args)))
    except DomainError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    return 0


async def _import(settings: Settings, path: Path, county_code: str, dry_run: bool) -> int:
    from sqlalchemy import select

    from backend.auth.actor import Actor
    from backend.core.db import make_engine, make_session_factory
    from backend.org.importer.service import import_workbook
    from backend.org.models import OrgKind, OrgUnit, Role

    engine = make_engine(settings)
    try:
        async with make_session_factory(engine).begin() as session:
            county = (
                await session.scalars(
                    select(OrgUnit).where(OrgUnit.kind == OrgKind.COUNTY, OrgUnit.code == county_code)
                )
            ).first()
            if county is None:
                raise SystemExit(f"找不到代码为 {county_code} 的县")
            actor = Actor(user_id=0, role=Role.COUNTY, org_unit_id=county.id, county_id=county.id)
            result = await import_workbook(session, actor, path.read_bytes(), dry_run=dry_run)
    finally:
        await engine.dispose()
    for error in result.row_errors:
        print(f"{error.sheet} 第{error.row}行 {error.column or ''}: {error.message}")
    print(("校验通过" if dry_run else "已导入") if result.ok else "导入失败，未写入任何数据", result.counts)
    return 0 if result.ok else 1


def cmd_import(args: argparse.Namespace) -> int:
    return asyncio.run(_import(_settings(), Path(args.file), args.county_code, args.dry_run))


def cmd_verify_poll(args: argparse.Namespace) -> int:
    """Re-check a poll's public board from the file alone (no database, no network)."""
    import json

    from backend.polls.verify import BadNoticeHead, parse_notice_head, verify_board

    try:
        notice_head = parse_notice_head(args.head) if args.head is not None else None
    except BadNoticeHead as exc:
        print(f"公告上的哈希格式不正确 (bad --head): {exc}")
        return 2
    try:
        board = json.loads(Path(args.board).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"无法读取公示榜 (cannot read the board): {exc}")
        return 2
    report = verify_board(board, notice_head)
    for check in report.checks:
        print(f"{'✓' if check.ok else '✗'} {check.name}: {check.detail}")
    if report.tally is not None and report.ok:
        print("结果 (result):", json.dumps(report.tally, ensure_ascii=False, sort_keys=True))
    print(f"head {report.head_hash} · stage {report.stage}")
    if notice_head is not None and not next(c for c in report.checks if c.name == "notice_head").ok:
        print("与公告上的哈希不符：这不是公示过的公示榜 (the board does NOT match the head hash printed on the notice)")
    print("公示榜核验通过 (board verified)" if report.ok else "公示榜核验失败 (board FAILED verification)")
    return 0 if report.ok else 1


async def _scrub_polls(settings: Settings) -> int:
    from backend.core.db import make_engine, make_session_factory
    from backend.polls.scrub import scrub_closed_polls, waiting_polls

    engine = make_engine(settings)
    try:
        factory = make_session_factory(engine)
        waiting = await waiting_polls(factory)
        if not waiting:
            print("没有待清理的已结束测评 (no closed poll waiting for the rewrite)")
            return 0
        at = await scrub_closed_polls(factory)
    finally:
        await engine.dispose()
    if at is None:
        print("清理未完成，原因见上方日志 (rewrite not done; see the warning above)")
        return 1
    print(f"已清理 {len(waiting)} 次测评的投票过程数据 (rewrote the staging and roster tables) · {at.isoformat()}")
    return 0


def cmd_scrub_polls(_args: argparse.Namespace) -> int:
    """Rewrite the ballot staging and roster tables for closed polls not yet stamped scrubbed_at."""
    return asyncio.run(_scrub_polls(_settings()))


async def _verify_audit(settings: Settings, county_code: str | None) -> int:
    from backend.audit.verify import UnknownCounty, verify_audit
    from backend.core.db import make_engine, make_session_factory

    engine = make_engine(settings)
    try:
        async with make_session_factory(engine)() as session:
            try:
                reports = await verify_audit(session, county_code)
            except UnknownCounty:
                print(f"找不到代码为 {county_code} 的县")
                return 2
    finally:
        await engine.dispose()
    for report in reports:
        name = report.county_code + ("（安全日志）" if report.chain == "security" else "")
        since = f"（第 {report.starts_after} 条及以前已按保存期限清理，自锚点起核验）" if report.starts_after else ""
        if report.broken is None:
            print(f"✓ {name}: {report.events} 条，链完整 (OK){since} · head {report.head_hash}")
        else:
            link = report.broken
            print(f"✗ {name}: 第 {link.seq} 条 (id {link.event_id}) 断链 (BROKEN): {link.reason}")
    ok = all(report.ok for report in reports)
    print("审计链核验通过 (audit trail verified)" if ok else "审计链核验失败 (audit trail FAILED verification)")
    return 0 if ok else 1


def cmd_verify_audit(args: argparse.Namespace) -> int:
    """Walk every county's audit hash chain (or one county's) and report the first broken link."""
    return asyncio.run(_verify_audit(_settings(), args.county_code))


async def _retention(settings: Settings) -> int:
    from backend.compliance.retention import apply_retention
    from backend.core.db import make_engine, make_session_factory
    from backend.media.storage_factory import media_storage_from_settings

    engine = make_engine(settings)
    try:
        async with make_session_factory(engine).begin() as session:
            pruned = await apply_retention(session, media_storage_from_settings(settings))
    finally:
        await engine.dispose()
    phones = pruned.problem_phones + pruned.complaint_phones
    print(
        f"已删除 {phones} 个回电号码、{pruned.photos} 张未随反映提交的照片、{pruned.partial_uploads} 个未传完的上传、"
        f"{pruned.security_events} 条过期安全日志；"
        "位置随履职记录按任期及归档期保存 "
        f"(forgot {phones} call-back numbers, {pruned.photos} unsent photos, {pruned.partial_uploads} unfinished "
        f"uploads, {pruned.security_events} expired "
        "security-log events; positions are kept with their records)"
    )
    return 0


def cmd_retention(_args: argparse.Namespace) -> int:
    """The retention rules of the personal-information inventory (run daily, e.g. from cron)."""
    return asyncio.run(_retention(_settings()))


async def _compliance_report(settings: Settings, county_code: str | None, fmt: str) -> tuple[int, str]:
    from sqlalchemy import select

    from backend.compliance.report import build_report, to_json, to_markdown
    from backend.core.db import make_engine, make_session_factory
    from backend.core.orm import utcnow
    from backend.org.models import OrgKind, OrgUnit

    engine = make_engine(settings)
    try:
        async with make_session_factory(engine)() as session:
            query = select(OrgUnit).where(OrgUnit.kind == OrgKind.COUNTY).order_by(OrgUnit.id)
            if county_code:
                query = query.where(OrgUnit.code == county_code)
            counties = (await session.scalars(query)).all()
            if len(counties) != 1:
                which = f"代码为 {county_code} 的县" if county_code else "唯一的县（有多个县时用 --county-code 指定）"
                return 2, f"找不到{which}"
            report = await build_report(session, settings, counties[0], utcnow())
    finally:
        await engine.dispose()
    return 0, to_json(report) if fmt == "json" else to_markdown(report)


def cmd_compliance_report(args: argparse.Namespace) -> int:
    """The filing dossier and self-assessment of this deployment (Markdown or JSON)."""
    code, text = asyncio.run(_compliance_report(_settings(), args.county_code, args.format))
    if code:
        print(text, file=sys.stderr)
    elif args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
        print(f"已写入 {args.out}")
    else:
        print(text)
    return code


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(prog="python -m backend.cli", description="驻村通 admin commands")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply all migrations").set_defaults(func=cmd_migrate)
    seed = sub.add_parser("seed-demo", help="load the demo county (only into an empty database)")
    seed.add_argument("--force", action="store_true", help="load even if the database has data")
    seed.set_defaults(func=cmd_seed_demo)
    for name, func in (("serve", cmd_serve), ("up", cmd_up)):
        p = sub.add_parser(name, help="serve the API and PWA" + (" after migrate + demo" if name == "up" else ""))
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=8000)
        p.set_defaults(func=func)
    county = sub.add_parser("create-county", help="create a county, the root of its org tree")
    county.add_argument("--name", required=True)
    county.add_argument("--code", required=True, help="the county's administrative code, e.g. 370281")
    county.add_argument("--lat", type=float, help="map centre, latitude")
    county.add_argument("--lng", type=float, help="map centre, longitude")
    county.set_defaults(func=cmd_create_county)
    user = sub.add_parser("create-user", help="create an account (password read from stdin/prompt)")
    user.add_argument("--phone", required=True)
    user.add_argument("--name", required=True)
    user.add_argument("--role", required=True, choices=["county", "township", "village", "member"])
    user.add_argument("--org-code", required=True, help="code of the org unit the account belongs to")
    user.set_defaults(func=cmd_create_user)
    imp = sub.add_parser("import", help="import a county workbook (.xlsx)")
    imp.add_argument("file")
    imp.add_argument("--county-code", required=True)
    imp.add_argument("--dry-run", action="store_true")
    imp.set_defaults(func=cmd_import)
    verify = sub.add_parser("verify-poll", help="re-check a poll's public board (BOARD.json) from the file alone")
    verify.add_argument("board")
    verify.add_argument(
        "--head",
        metavar="HEX",
        help="the board head hash printed on the village notice (64 hex characters; spaces allowed): "
        "the board must contain it, else it is not the board that was published",
    )
    verify.set_defaults(func=cmd_verify_poll)
    sub.add_parser(
        "scrub-polls", help="rewrite the ballot staging and roster tables of closed polls (after a failed try)"
    ).set_defaults(func=cmd_scrub_polls)
    sub.add_parser(
        "retention",
        aliases=["prune-public-data"],
        help="the personal-information retention rules (run daily): forget call-back numbers 30 days after their problem is "
        "settled or their complaint answered, and photos uploaded without an account that no report attached within a day; "
        "positions stay with their records (backend/compliance/retention.py)",
    ).set_defaults(func=cmd_retention)
    audit = sub.add_parser("verify-audit", help="check the audit trail's hash chains in the database")
    audit.add_argument("--county-code", help="only this county (default: every county)")
    audit.set_defaults(func=cmd_verify_audit)
    report = sub.add_parser(
        "compliance-report",
        help="the filing dossier (备案材料): functions, personal information, components and the self-assessment",
    )
    report.add_argument("--county-code", help="the county (needed only when the database holds several)")
    report.add_argument("--format", choices=("md", "json"), default="md")
    report.add_argument("--out", help="write to this file instead of standard output")
    report.set_defaults(func=cmd_compliance_report)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
