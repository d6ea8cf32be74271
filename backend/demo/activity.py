"""A county in the autumn of its term: what each first secretary has filed since spring, how the
township reviewed it, the problems villagers raised, check-ins and one roll call — as the
service calls that made them (`backend.demo.world`), planned from the loaded county, a seed and
the time of loading. Pure: the same world, seed and time give the same plan.

The shape of a year (DOMAIN.md): most secretaries are diligent, about one in nine lags behind.
Household visits cover most of the roster by autumn (resident secretaries more than liaison
ones), the service card goes out on or after the visits, diary entries are kept most months,
resident secretaries hold a committee meeting most weeks and liaison ones most months. Photos
are on most on-site filings but not all, positions on most but not all; check-ins are optional,
some secretaries never use them, and nobody checks in every day. The township reviews a few
working days after a filing arrives, so the last days' filings wait in its queue, oldest first;
a few are returned with a comment, most of those come back corrected, some still sit in the
secretary's inbox. Problems move open → in progress → resolved (or closed with a note) with age.
"""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from backend.attendance.checkins import NewCheckIn
from backend.attendance.models import RollCallReason
from backend.attendance.roll_calls import NewRollCall
from backend.demo import texts
from backend.demo.photos import PhotoPool, SecretaryPhotos
from backend.demo.scenes import Scene
from backend.demo.world import (
    CheckIn,
    CreateProblem,
    EditFiling,
    GenerateCard,
    MoveProblem,
    Plan,
    ReviewFiling,
    Secretary,
    StartRollCall,
    SubmitFiling,
    World,
)
from backend.filings.bodies import KIND_LABELS
from backend.filings.models import FilingKind
from backend.filings.review import ReviewDecision
from backend.filings.submit import FilingDraft
from backend.problems.ledger import NewProblem, StatusChange
from backend.problems.models import ProblemStatus

_CST_OFFSET = timedelta(hours=8)
CST = timezone(_CST_OFFSET, "Asia/Shanghai")
_KM_PER_DEGREE = 111.0
# The township's usual delay before reviewing, in days, by township order (柳泉镇 first).
_TOWNSHIP_REVIEW_DAYS = (1.2, 2.5, 1.8, 3.5, 2.0, 3.0, 1.5)
# Chance that the township returns a filing of a kind (the rest are approved).
_RETURN_RATE = {
    FilingKind.HOUSEHOLD_VISIT: 0.012,
    FilingKind.SERVICE_CARD: 0.004,
    FilingKind.WORK_DIARY: 0.03,
    FilingKind.COMMITTEE_MEETING: 0.04,
    FilingKind.TALK: 0.02,
    FilingKind.PAIRING: 0.05,
    FilingKind.PAIRING_VISIT: 0.03,
    FilingKind.RESEARCH_REPORT: 0.2,
    FilingKind.PARTY_LECTURE: 0.12,
    FilingKind.TECH_TRAINING: 0.1,
    FilingKind.STARTUP_PROJECT: 0.15,
    FilingKind.TERM_GOALS: 0.05,
    FilingKind.PLEDGE: 0.0,  # the card quotes the pledge: keep it simple
    FilingKind.SELF_REPORT: 0.1,
}
ROLL_CALL_NOTE = "年底驻村在岗情况抽查，请在村打卡"


def local_time(day: date, hour: float) -> datetime:
    """`hour` (e.g. 9.5 = 09:30) of a Beijing-time day, as an aware UTC datetime (whole seconds)."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=UTC) - _CST_OFFSET
    return midnight + timedelta(seconds=int(hour * 3600))


def local_day(moment: datetime) -> date:
    return moment.astimezone(CST).date()


def new_id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _weekday(day: date, forward: bool = True) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1 if forward else -1)
    return day


def _offset(center: tuple[float, float], km: float, angle: float) -> tuple[float, float]:
    lat, lng = center
    north, east = km * math.cos(angle), km * math.sin(angle)
    return lat + north / _KM_PER_DEGREE, lng + east / (_KM_PER_DEGREE * math.cos(math.radians(lat)))


class _Secretary:
    """Plans one secretary's term so far."""

    def __init__(
        self, world: World, sec: Secretary, pool: PhotoPool, seed: int, now: datetime, *, no_checkin_on: date | None
    ) -> None:
        self.world, self.sec, self.now = world, sec, now
        self.no_checkin_on = no_checkin_on
        self.rng = random.Random(f"{seed}:activity:{sec.index}")
        self.photos = SecretaryPhotos(sec, pool, random.Random(f"{seed}:photos:{sec.index}"))
        self.plan = Plan()
        self.showcase = sec.index == 0  # 13810000001, the secretary the README sends people to
        self.laggard = sec.index % 9 == 4
        self.diligence = self.rng.uniform(0.35, 0.6) if self.laggard else self.rng.uniform(0.8, 1.0)
        if self.showcase:
            self.diligence = 0.95
        self.reviewer = world.townships[sec.village.township_id]
        base = _TOWNSHIP_REVIEW_DAYS[sec.village.township_index % len(_TOWNSHIP_REVIEW_DAYS)]
        self.review_days = 0.9 if self.showcase else base
        self.start = sec.term_start + timedelta(days=self.rng.randint(2, 12))
        self.last = min(local_day(now) - timedelta(days=1), sec.term_end)
        self.filed: dict[FilingKind, list[tuple[date, int | None]]] = {}

    # --- time -------------------------------------------------------------------------------

    def day(self, first: date, last: date, *, skew: float = 1.0, weekday: bool = True) -> date:
        """A day in [first, last]; skew > 1 favours the early days. Weekdays mostly."""
        span = max(0, (last - first).days)
        chosen = first + timedelta(days=int(span * self.rng.random() ** skew + 0.5))
        if weekday and self.rng.random() < 0.9:
            moved = _weekday(chosen)
            chosen = moved if moved <= last else _weekday(chosen, forward=False)
        return max(first, min(chosen, last))

    def phone_time(self, day: date) -> datetime:
        return local_time(day, self.rng.uniform(8.0, 18.5))

    def arrival(self, recorded: datetime) -> datetime:
        """When the outbox gets it to the server: at once, that evening, or days later."""
        roll = self.rng.random()
        if roll < 0.7:
            delay = timedelta(seconds=self.rng.randint(3, 900))
        elif roll < 0.95:
            delay = timedelta(hours=self.rng.uniform(1, 10))
        else:
            delay = timedelta(days=self.rng.uniform(1, 4))
        return recorded + delay

    def review_time(self, after: datetime) -> datetime:
        lag = self.review_days * self.rng.uniform(0.4, 1.6)
        if self.rng.random() < 0.08 and not self.showcase:
            lag *= 3  # the reviewer was away
        day = _weekday(local_day(after + timedelta(days=lag)))
        moment = local_time(day, self.rng.uniform(9.0, 17.5))
        return moment if moment > after else after + timedelta(hours=self.rng.uniform(1, 4))

    # --- filings ----------------------------------------------------------------------------

    def position(self, onsite: bool) -> tuple[float | None, float | None, float | None]:
        center = self.sec.village.center
        if center is None or self.rng.random() > (0.85 if onsite else 0.5):
            return None, None, None
        lat, lng = _offset(center, self.rng.uniform(0.05, 1.3), self.rng.uniform(0, 2 * math.pi))
        accuracy = round(self.rng.uniform(4, 25) if self.rng.random() < 0.85 else self.rng.uniform(30, 120), 1)
        return round(lat, 6), round(lng, 6), accuracy

    def file(
        self,
        kind: FilingKind,
        day: date,
        body: dict[str, Any],
        *,
        topic: str = "",
        household: int | None = None,
        household_name: str = "",
        scene: Scene | None = None,
        photos: int = 0,
        onsite: bool = True,
        outcome: str | None = None,  # force "returned" (left in the inbox) or "pending"
    ) -> bool:
        """Plans one filing and its review; False when it has not reached the server yet."""
        recorded = self.phone_time(day)
        received = self.arrival(recorded)
        if outcome is not None:
            received = recorded + timedelta(seconds=self.rng.randint(5, 300))
        if received >= self.now - timedelta(minutes=5):
            return False  # still in the phone's outbox
        lat, lng, accuracy = self.position(onsite)
        label = KIND_LABELS[kind]
        title = f"{label} · {topic or household_name or ''}".rstrip(" ·") + f" · {day.isoformat()}"
        draft = FilingDraft(
            id=new_id(self.rng),
            kind=kind,
            occurred_on=day,
            recorded_at=recorded,
            title=title[:200],
            body=body,
            household_id=household,
            lat=lat,
            lng=lng,
            accuracy_m=accuracy,
            photos=self.photos.pick(scene, photos, received) if scene and photos else [],
        )
        self.plan.actions.append(SubmitFiling(received, self.sec.actor, draft))
        self.filed.setdefault(kind, []).append((day, household))
        self.review(draft, received, outcome)
        return True

    def review(self, draft: FilingDraft, received: datetime, outcome: str | None) -> None:
        version, since, rate = 1, received, _RETURN_RATE[draft.kind]
        if outcome == "pending":
            return
        while True:
            at = self.review_time(since)
            if outcome == "returned":
                at = min(at, self.now - timedelta(days=2))
            if at >= self.now:
                return  # waiting in the township's queue
            if outcome == "returned" or self.rng.random() < rate:
                comment = texts.pick(
                    self.rng, texts.RETURN_COMMENTS.get(draft.kind.value, texts.RETURN_COMMENTS["default"])
                )
                self.plan.actions.append(ReviewFiling(at, self.reviewer, draft.id, ReviewDecision.RETURN, comment))
                version += 1
                fixed = at + timedelta(days=self.rng.uniform(0.5, 5))
                forgotten = self.rng.random() < (0.4 if self.now - at < timedelta(days=14) else 0.02)
                if outcome == "returned" or forgotten or fixed >= self.now - timedelta(minutes=5):
                    return  # still in the secretary's inbox
                draft = self.revised(draft, comment, fixed)
                self.plan.actions.append(EditFiling(fixed, self.sec.actor, draft, version))
                version += 1
                since, rate = fixed, rate / 4
                continue
            self.plan.actions.append(ReviewFiling(at, self.reviewer, draft.id, ReviewDecision.APPROVE))
            return

    def revised(self, draft: FilingDraft, comment: str, at: datetime) -> FilingDraft:
        """The secretary's correction after a return: a photo added, the text completed."""
        body = dict(draft.body)
        for name in ("notes", "content", "minutes", "reason"):
            if isinstance(body.get(name), str):
                body[name] = body[name] + "（已按镇街意见补充：" + comment.removeprefix("请") + "）"
                break
        else:
            if "attendeeCount" in body:
                body["attendeeCount"] = body["attendeeCount"] + self.rng.randint(1, 6)
        photos = list(draft.photos)
        if "照片" in comment or not photos:
            scene = Scene.HALL if draft.kind is FilingKind.PARTY_LECTURE else Scene.MEETING
            photos += [p for p in self.photos.pick(scene, 2, at) if p not in photos][:1]
        return replace(draft, recorded_at=at - timedelta(minutes=self.rng.randint(2, 30)), body=body, photos=photos)

    # --- the duties -------------------------------------------------------------------------

    def run(self) -> Plan:
        if self.start > self.last:
            return self.plan
        goals_day = self.day(self.start, self.start + timedelta(days=20))
        if self.rng.random() < 0.97:
            goals = texts.TERM_GOALS[0].format(k=self.rng.choice((10, 15, 20, 30)))
            self.file(FilingKind.TERM_GOALS, goals_day, {"content": goals}, onsite=False)
        pledged = self.rng.random() < 0.95
        if pledged:
            self.file(FilingKind.PLEDGE, goals_day, {"text": texts.pick(self.rng, texts.PLEDGES)}, onsite=False)
        visits = self.household_visits()
        self.service_card(visits, goals_day + timedelta(days=1))
        self.diary()
        self.meetings()
        self.talks()
        self.pairing()
        self.events()
        self.problems()
        self.checkins()
        self.plan.actions.extend(self.photos.uploads())
        return self.plan

    def household_visits(self) -> dict[int, date]:
        households = list(self.sec.households)
        if self.showcase:
            share = 0.93
        elif self.laggard:
            share = self.rng.uniform(0.15, 0.4)
        elif self.sec.resident:
            share = 1.0 if self.rng.random() < 0.3 else self.rng.uniform(0.7, 0.98)
        else:
            share = self.rng.uniform(0.3, 0.65)
        chosen = self.rng.sample(households, round(share * len(households)))
        visited: dict[int, date] = {}
        for household in chosen:
            day = self.day(self.start, self.last, skew=1.6)
            notes = texts.visit_notes(self.rng, household.member_count) if self.rng.random() < 0.85 else None
            photos = self.rng.choices((0, 1, 2), (3, 6, 1))[0]
            if self.file(
                FilingKind.HOUSEHOLD_VISIT,
                day,
                {"notes": notes} if notes else {},
                household=household.id,
                household_name=household.head_name,
                scene=Scene.HOME,
                photos=photos,
            ):
                visited[household.id] = day
        for household in chosen[: len(chosen) // 16]:  # a second visit to a few
            if household.id in visited and visited[household.id] < self.last:
                day = self.day(visited[household.id] + timedelta(days=1), self.last)
                self.file(
                    FilingKind.HOUSEHOLD_VISIT,
                    day,
                    {"notes": texts.visit_notes(self.rng, household.member_count)},
                    household=household.id,
                    household_name=household.head_name,
                    scene=Scene.HOME,
                    photos=1,
                )
        return visited

    def service_card(self, visits: dict[int, date], earliest: date) -> None:
        if self.sec.index % 13 == 7 or (self.laggard and self.rng.random() < 0.5):
            return  # no card yet
        card_day = self.day(max(earliest, self.start + timedelta(days=15)), self.start + timedelta(days=45))
        if card_day > self.last:
            return
        at = local_time(card_day, self.rng.uniform(9, 17))
        photo = self.photos.pick(Scene.PORTRAIT, 1, at)[0] if self.rng.random() < 0.85 else None
        self.plan.actions.append(GenerateCard(at, self.sec.actor, photo))
        share = (
            0.85
            if self.showcase
            else (self.rng.uniform(0.65, 1.0) if self.sec.resident else self.rng.uniform(0.4, 0.8))
        )
        if len(visits) == len(self.sec.households) and self.rng.random() < 0.6:
            share = 1.0  # every household visited, and every one has the card
        names = {h.id: h.head_name for h in self.sec.households}
        for household_id, visit_day in visits.items():
            if self.rng.random() > share * (1.0 if not self.laggard else 0.6):
                continue
            if visit_day > card_day and self.rng.random() < 0.75:
                day = visit_day  # handed over during the visit
            else:
                day = self.day(max(card_day, visit_day), min(self.last, max(card_day, visit_day) + timedelta(days=60)))
            self.file(
                FilingKind.SERVICE_CARD,
                day,
                {},
                household=household_id,
                household_name=names[household_id],
                scene=Scene.HOME,
                photos=1 if self.rng.random() < 0.25 else 0,
            )

    def diary(self) -> None:
        month = self.start.replace(day=1)
        while month <= self.last:
            nxt = (month + timedelta(days=32)).replace(day=1)
            first, last = max(month, self.start), min(nxt - timedelta(days=1), self.last)
            full = nxt - timedelta(days=1) <= self.last
            if full:
                short = self.rng.random() < (1 - self.diligence) * 0.9 and not self.showcase
                count = self.rng.randint(1, 3) if short else self.rng.randint(4, 7)
            else:
                count = max(1, (last - first).days // 6)
            days = sorted(self.day(first, last) for _ in range(count))
            for day in days:
                self.file(
                    FilingKind.WORK_DIARY,
                    day,
                    {"content": texts.diary_content(self.rng)},
                    scene=self.rng.choice((Scene.MEETING, Scene.FIELD, Scene.HOME)),
                    photos=1 if self.rng.random() < 0.35 else 0,
                    onsite=False,
                )
            month = nxt

    def meetings(self) -> None:
        held = 0.05 + 0.9 * self.diligence
        if self.sec.resident:  # weekly (工作例会), on a Monday or Tuesday
            monday = self.start - timedelta(days=self.start.weekday())
            while monday <= self.last:
                day = monday + timedelta(days=self.rng.choice((0, 0, 1)))
                if self.start <= day <= self.last and self.rng.random() < held:
                    self.meeting(day)
                monday += timedelta(days=7)
        else:  # monthly
            month = self.start.replace(day=1)
            while month <= self.last:
                nxt = (month + timedelta(days=32)).replace(day=1)
                if self.rng.random() < held:
                    self.meeting(self.day(max(month, self.start), min(nxt - timedelta(days=1), self.last)))
                month = nxt

    def meeting(self, day: date) -> None:
        topic = texts.pick(self.rng, texts.MEETING_TOPICS)
        self.file(
            FilingKind.COMMITTEE_MEETING,
            day,
            {"topic": topic, "attendees": self.rng.randint(5, 11), "minutes": texts.meeting_minutes(self.rng, topic)},
            topic=topic,
            scene=Scene.MEETING,
            photos=self.rng.choices((0, 1, 2), (3, 5, 2))[0],
        )

    def talks(self) -> None:
        count = max(2, round(self.rng.randint(8, 18) * self.diligence))
        categories = ["cadre", "member"] + (["applicant"] if not self.laggard or self.rng.random() < 0.3 else [])
        categories += self.rng.choices(
            ("cadre", "member", "applicant", "villager"), (35, 35, 10, 20), k=max(0, count - len(categories))
        )
        if self.laggard:
            categories = [c for c in categories if c != "applicant"] or ["cadre"]
        requested = self.rng.random() < (0.85 if not self.laggard else 0.3)
        heads = [h.head_name for h in self.sec.households] or ["村民"]
        for n, category in enumerate(categories):
            person = texts.pick(self.rng, texts.TALK_PEOPLE[category]) + self.rng.choice(heads)
            body: dict[str, Any] = {
                "person": person[:50],
                "category": category,
                "topic": texts.pick(self.rng, texts.TALK_TOPICS[category]),
            }
            if requested and n == 2:
                body["requestedByPerson"] = True
            self.file(
                FilingKind.TALK,
                self.day(self.start, self.last),
                body,
                topic=body["topic"],
                scene=Scene.MEETING,
                photos=1 if self.rng.random() < 0.1 else 0,
            )

    def pairing(self) -> None:
        hardship = [h for h in self.sec.households if h.is_hardship]
        wanted = 1 if self.laggard else (3 if self.rng.random() < 0.2 else 2)
        paired = self.rng.sample(hardship, min(wanted, len(hardship)))
        for household in paired:
            day = self.day(self.start + timedelta(days=7), self.start + timedelta(days=40))
            if day > self.last or not self.file(
                FilingKind.PAIRING,
                day,
                {"reason": texts.pick(self.rng, texts.PAIRING_REASON)},
                household=household.id,
                household_name=household.head_name,
                scene=Scene.HOME,
                photos=1 if self.rng.random() < 0.6 else 0,
            ):
                continue
            month = (day + timedelta(days=32)).replace(day=1)
            while month <= self.last:
                nxt = (month + timedelta(days=32)).replace(day=1)
                if self.rng.random() < 0.8 * self.diligence:
                    self.file(
                        FilingKind.PAIRING_VISIT,
                        self.day(month, min(nxt - timedelta(days=1), self.last)),
                        {"notes": texts.pick(self.rng, texts.PAIRING_VISIT)},
                        household=household.id,
                        household_name=household.head_name,
                        scene=Scene.HOME,
                        photos=1 if self.rng.random() < 0.6 else 0,
                    )
                month = nxt

    def events(self) -> None:
        keen = not self.laggard
        village = self.sec.village.name
        year = self.start.year

        def within(first: date, last: date) -> date:
            return self.day(max(first, self.start), min(last, self.last))

        # research report: summer and autumn
        if self.rng.random() < (0.9 if keen else 0.4) and date(year, 9, 30) <= self.last:
            topic = texts.pick(self.rng, texts.REPORT_TOPICS).format(village=village)
            content = texts.REPORT_BODY.format(village=village, households=len(self.sec.households))
            self.file(
                FilingKind.RESEARCH_REPORT,
                within(date(year, 7, 1), date(year, 10, 31)),
                {"topic": topic, "content": content},
                topic=topic,
                scene=Scene.FIELD,
                photos=1 if self.rng.random() < 0.3 else 0,
                onsite=False,
            )
        # party lectures
        lectures = 0 if self.rng.random() > (0.92 if keen else 0.5) else (2 if self.rng.random() < 0.35 else 1)
        for n in range(1 if self.showcase else lectures):
            topic = texts.pick(self.rng, texts.LECTURE_TOPICS)
            day = within(date(year, 4, 1) + timedelta(days=120 * n), date(year, 11, 30))
            if self.showcase:  # returned ten days ago, waiting in the inbox to be corrected
                day = self.day(self.last - timedelta(days=12), self.last - timedelta(days=9))
            self.file(
                FilingKind.PARTY_LECTURE,
                day,
                {
                    "topic": topic,
                    "place": texts.pick(self.rng, texts.LECTURE_PLACES),
                    "attendeeCount": self.rng.randint(18, 60),
                },
                topic=topic,
                scene=Scene.HALL,
                photos=self.rng.choice((0, 2, 2, 3)),
                outcome="returned" if self.showcase and n == 0 else None,
            )
            if self.showcase:
                break
        # tech trainings
        trainings = 0 if self.rng.random() > (0.88 if keen else 0.45) else (2 if self.rng.random() < 0.3 else 1)
        for n in range(1 if self.showcase else trainings):
            topic = texts.pick(self.rng, texts.TRAINING_TOPICS)
            day = within(date(year, 3, 15) + timedelta(days=150 * n), date(year, 11, 30))
            if self.showcase:
                day = self.last
            self.file(
                FilingKind.TECH_TRAINING,
                day,
                {
                    "topic": topic,
                    "trainer": texts.pick(self.rng, texts.TRAINERS),
                    "attendeeCount": self.rng.randint(15, 80),
                },
                topic=topic,
                scene=Scene.FIELD,
                photos=self.rng.choice((0, 1, 2, 3)),
                outcome="pending" if self.showcase else None,
            )
            if self.showcase:
                break
        # a business project
        if self.rng.random() < (0.8 if keen else 0.3) and date(year, 5, 1) <= self.last:
            name, description = texts.STARTUP_PROJECTS[int(self.rng.random() * len(texts.STARTUP_PROJECTS))]
            investment = self.rng.randrange(50_000, 1_200_000, 10_000)
            self.file(
                FilingKind.STARTUP_PROJECT,
                within(date(year, 5, 1), date(year, 9, 30)),
                {
                    "name": name,
                    "investmentYuan": investment,
                    "beneficiaries": self.rng.randint(12, 260),
                    "milestones": description.format(k=self.rng.randint(4, 20)) + "；5月立项，8月完成建设，9月投入运营",
                    "projectStatus": texts.pick(self.rng, texts.PROJECT_STATUSES),
                },
                topic=name,
                scene=Scene.FIELD,
                photos=self.rng.choice((1, 2, 3)),
            )
        # the year-end report: the first diligent ones file it in December
        if self.last >= date(year, 12, 1) and keen and self.rng.random() < 0.2:
            visited = len(self.filed.get(FilingKind.HOUSEHOLD_VISIT, []))
            diaries = len(self.filed.get(FilingKind.WORK_DIARY, []))
            project = "一个创业项目" if FilingKind.STARTUP_PROJECT in self.filed else "村级产业项目的前期工作"
            self.file(
                FilingKind.SELF_REPORT,
                self.day(date(year, 12, 1), self.last),
                {"content": texts.SELF_REPORT.format(visited=visited, diaries=diaries, project=project)},
                onsite=False,
            )

    # --- problems and attendance ------------------------------------------------------------

    def problems(self) -> None:
        count = self.rng.randint(1, 3) if self.laggard else self.rng.randint(4, 10)
        visited = self.filed.get(FilingKind.HOUSEHOLD_VISIT, [])
        # the showcase ledger has one problem in each state, whatever the dice say
        fixed = [
            (ProblemStatus.RESOLVED, 150),
            (ProblemStatus.CLOSED, 90),
            (ProblemStatus.IN_PROGRESS, 45),
            (ProblemStatus.OPEN, 6),
        ]
        count = min(count + (len(fixed) if self.showcase else 0), len(texts.PROBLEMS))
        topics = self.rng.sample(texts.PROBLEMS, count)  # a village's ledger does not repeat itself
        for n, (title, description) in enumerate(topics):
            household = self.rng.choice(visited)[1] if visited and self.rng.random() < 0.6 else None
            final, days_ago = fixed[n] if self.showcase and n < len(fixed) else (None, 0)
            day = self.last - timedelta(days=days_ago) if final else self.day(self.start, self.last, skew=1.3)
            created = self.phone_time(day)
            plan_problem(
                self.plan,
                self.rng,
                self.sec.actor,
                self.sec.actor,
                created,
                self.now,
                title,
                description,
                household,
                final,
            )

    def checkins(self) -> None:
        center = self.sec.village.center
        if center is None or self.rng.random() < 0.15:
            return  # never uses check-in: it is optional
        if self.sec.resident:
            rate = self.rng.uniform(0.2, 0.6)
            days = [
                self.start + timedelta(days=n)
                for n in range((self.last - self.start).days + 1)
                if (self.start + timedelta(days=n)).weekday() < 5
            ]
            chosen = [d for d in days if self.rng.random() < rate]
        else:
            chosen = []
            month = self.start.replace(day=1)
            while month <= self.last:
                nxt = (month + timedelta(days=32)).replace(day=1)
                for _ in range(self.rng.randint(1, 4)):
                    chosen.append(self.day(max(month, self.start), min(nxt - timedelta(days=1), self.last)))
                month = nxt
        for day in sorted(set(chosen) - {self.no_checkin_on}):
            moment = local_time(day, self.rng.uniform(7.8, 10.5))
            outside = self.rng.random() < 0.03
            plan_checkin(self.plan, self.rng, self.sec, moment, self.now, outside=outside)


def plan_problem(
    plan: Plan,
    rng: random.Random,
    reporter: Any,
    secretary: Any,
    created: datetime,
    now: datetime,
    title: str,
    description: str,
    household: int | None,
    final: ProblemStatus | None = None,
) -> None:
    """A problem and the steps it has taken by now: `final`, or a state that fits its age."""
    if created >= now - timedelta(hours=1):
        return
    problem_id = new_id(rng)
    plan.actions.append(CreateProblem(created, reporter, NewProblem(problem_id, title, description, household)))
    age = (now - created).days
    roll = rng.random()
    if final is not None:
        pass
    elif age > 60:
        final = (
            ProblemStatus.RESOLVED
            if roll < 0.7
            else ProblemStatus.CLOSED
            if roll < 0.8
            else ProblemStatus.IN_PROGRESS
            if roll < 0.95
            else ProblemStatus.OPEN
        )
    elif age > 30:
        final = (
            ProblemStatus.RESOLVED
            if roll < 0.5
            else ProblemStatus.IN_PROGRESS
            if roll < 0.8
            else ProblemStatus.CLOSED
            if roll < 0.85
            else ProblemStatus.OPEN
        )
    else:
        final = (
            ProblemStatus.OPEN if roll < 0.45 else ProblemStatus.IN_PROGRESS if roll < 0.85 else ProblemStatus.RESOLVED
        )
    steps: list[tuple[ProblemStatus, str]] = []
    if final is ProblemStatus.CLOSED and rng.random() < 0.5:
        steps.append((ProblemStatus.CLOSED, texts.pick(rng, texts.CLOSED_NOTES)))
    elif final is not ProblemStatus.OPEN:
        steps.append((ProblemStatus.IN_PROGRESS, texts.pick(rng, texts.PROGRESS_NOTES)))
        if final is ProblemStatus.RESOLVED:
            steps.append((ProblemStatus.RESOLVED, texts.pick(rng, texts.RESOLVED_NOTES)))
        elif final is ProblemStatus.CLOSED:
            steps.append((ProblemStatus.CLOSED, texts.pick(rng, texts.CLOSED_NOTES)))
    at, version = created, 1
    room = max(timedelta(hours=2), (now - created) / (len(steps) + 1))
    for status, note in steps:
        at = at + timedelta(seconds=rng.uniform(0.2, 0.9) * room.total_seconds())
        if at >= now - timedelta(minutes=30):
            return
        plan.actions.append(MoveProblem(at, secretary, StatusChange(problem_id, status, note, version)))
        version += 1


def plan_checkin(
    plan: Plan,
    rng: random.Random,
    sec: Secretary,
    moment: datetime,
    now: datetime,
    *,
    outside: bool,
    quick: bool = False,
) -> str | None:
    center = sec.village.center
    if center is None or moment >= now - timedelta(minutes=1):
        return None
    km = rng.uniform(3.5, 7.0) if outside else rng.uniform(0.02, 0.9)
    lat, lng = _offset(center, km, rng.uniform(0, 2 * math.pi))
    checkin_id = new_id(rng)
    new = NewCheckIn(checkin_id, moment, round(lat, 6), round(lng, 6), round(rng.uniform(5, 35), 1))
    late = not quick and rng.random() < 0.1  # sent later, when the phone found a signal
    arrives = moment + timedelta(seconds=rng.randint(600, 7200) if late else rng.randint(1, 20))
    plan.actions.append(CheckIn(min(arrives, now - timedelta(seconds=30)), sec.actor, new))
    return checkin_id


def plan_member_reports(world: World, seed: int, now: datetime) -> Plan:
    """The demo members report problems in their villages (so "my problems" has history)."""
    plan = Plan()
    rng = random.Random(f"{seed}:members")
    by_village = {s.village.id: s for s in world.secretaries}
    for village_id, members in sorted(world.members.items()):
        secretary = by_village.get(village_id)
        if secretary is None:
            continue
        for member in members:
            for _ in range(rng.randint(1, 2)):
                title, description = texts.PROBLEMS[int(rng.random() * len(texts.PROBLEMS))]
                days_ago = rng.randint(3, 200)
                created = local_time(local_day(now) - timedelta(days=days_ago), rng.uniform(7, 21))
                plan_problem(plan, rng, member, secretary.actor, created, now, title, description, None)
    return plan


def plan_roll_call(world: World, seed: int, now: datetime) -> tuple[Plan, date | None, set[int]]:
    """One recent roll call by the first township: most named secretaries answer in time, one
    checks in outside the village (flagged, not an answer), the last three do not answer.
    Returns the plan, the roll call's day and the secretaries it names (whose own check-ins
    that day are left out of their plans, so that only these answer it)."""
    plan = Plan()
    rng = random.Random(f"{seed}:roll-call")
    township = min(world.townships.values(), key=lambda a: a.org_unit_id)
    secretaries = [s for s in world.secretaries if s.village.township_id == township.org_unit_id]
    if not secretaries:
        return plan, None, set()
    named = [secretaries[0]] + rng.sample(secretaries[1:], min(9, len(secretaries) - 1))
    day = _weekday(local_day(now) - timedelta(days=1), forward=False)
    started = local_time(day, 9.5)
    if started >= now - timedelta(hours=2):
        return plan, None, set()
    roll_call = NewRollCall(new_id(rng), sorted(s.id for s in named), RollCallReason.SPOT_CHECK, ROLL_CALL_NOTE)
    plan.actions.append(StartRollCall(started, township, roll_call))
    for n, sec in enumerate(named[:7]):
        moment = started + timedelta(minutes=rng.uniform(3, world.rules.roll_call_minutes - 10))
        plan_checkin(plan, rng, sec, moment, now, outside=n == 6, quick=True)
    return plan, day, {s.id for s in named}


def plan_secretary(
    world: World, sec: Secretary, pool: PhotoPool, seed: int, now: datetime, *, no_checkin_on: date | None = None
) -> Plan:
    return _Secretary(world, sec, pool, seed, now, no_checkin_on=no_checkin_on).run()


def plan_county(world: World, pool: PhotoPool, seed: int, now: datetime) -> Iterator[Plan]:
    """The roll call, then every secretary's plan, then the members' reports (one at a time:
    a county's plans together would hold every filing in memory at once)."""
    roll_call, day, named = plan_roll_call(world, seed, now)
    yield roll_call
    for sec in world.secretaries:
        yield plan_secretary(world, sec, pool, seed, now, no_checkin_on=day if sec.id in named else None)
    yield plan_member_reports(world, seed, now)
