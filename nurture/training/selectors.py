"""Reads of the training directory: the public search and a course's page. Typed values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from nurture.accounts.models import Region, User
from nurture.framework.selectors import framework_competencies, framework_current
from nurture.training.models import Booking, Completion, Course, CourseCompetency, Interest, Provider, Session

PER_PAGE = 25
MAX_PAGE = 10_000


@dataclass(frozen=True)
class CourseFilters:
    """What a visitor searches by; empty values do not filter."""

    competency: str = ""
    level: str = ""
    format: str = ""
    free: bool = False
    region: str = ""
    start: date | None = None  # cohorts starting on or after it; today when None


def cost_text(cost_pence: int) -> str:
    if cost_pence == 0:
        return "Free"
    pounds, pence = divmod(cost_pence, 100)
    return f"£{pounds:,}" + (f".{pence:02d}" if pence else "")


@dataclass(frozen=True)
class CourseRow:
    slug: str
    title: str
    provider: str
    summary: str
    study_level: str
    study_level_label: str
    format: str
    format_label: str
    duration: str
    hours: Decimal
    cost: str
    free: bool
    free_for: str
    accredited: bool
    region: str
    region_label: str  # "Online, anywhere in the UK" for a course without a region
    next_start: datetime
    competencies: tuple[str, ...]


@dataclass(frozen=True)
class CoursePage:
    number: int
    has_next: bool
    count: int
    rows: list[CourseRow]


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def course_search(filters: CourseFilters, *, page: int = 1) -> CoursePage:
    """Published courses with a cohort starting on or after `start` (today by default),
    by their next such start. A region matches courses taught there and those taught online
    to anyone in the UK."""
    from_ = _start_of(filters.start or timezone.localdate())
    upcoming = Session.objects.filter(course=OuterRef("pk"), kind=Session.Kind.COHORT, starts_at__gte=from_)
    found: QuerySet[Course] = (
        Course.objects.filter(published=True)
        .filter(Exists(upcoming))
        .annotate(
            next_start=Min(
                "sessions__starts_at", filter=Q(sessions__kind=Session.Kind.COHORT, sessions__starts_at__gte=from_)
            )
        )
        .select_related("provider")
        .prefetch_related(Prefetch("competencies", queryset=CourseCompetency.objects.order_by("code")))
    )
    found = _filtered(found, filters)
    paginator = Paginator(found.order_by("next_start", "title", "pk"), PER_PAGE)
    number = min(max(page, 1), max(paginator.num_pages, 1))
    current = paginator.page(number)
    return CoursePage(
        number=number,
        has_next=current.has_next(),
        count=paginator.count,
        rows=[_row(course) for course in current.object_list],
    )


def _filtered(found: QuerySet[Course], filters: CourseFilters) -> QuerySet[Course]:
    if filters.competency:
        found = found.filter(Exists(CourseCompetency.objects.filter(course=OuterRef("pk"), code=filters.competency)))
    if filters.level:
        found = found.filter(study_level=filters.level)
    if filters.format:
        found = found.filter(format=filters.format)
    if filters.free:
        found = found.filter(cost_pence=0)
    if filters.region:
        found = found.filter(Q(region=filters.region) | Q(region=""))
    return found


def _row(course: Course) -> CourseRow:
    return CourseRow(
        slug=course.slug,
        title=course.title,
        provider=course.provider.name,
        summary=course.summary,
        study_level=course.study_level,
        study_level_label=course.get_study_level_display(),
        format=course.format,
        format_label=course.get_format_display(),
        duration=course.duration,
        hours=course.hours,
        cost=cost_text(course.cost_pence),
        free=course.is_free,
        free_for=course.free_for,
        accredited=course.is_accredited,
        region=course.region,
        region_label=Region(course.region).label if course.region else "Online, anywhere in the UK",
        next_start=course.next_start,  # type: ignore[attr-defined]  # the annotation
        competencies=tuple(c.code for c in course.competencies.all()),
    )


@dataclass(frozen=True)
class CompetencyCovered:
    code: str
    name: str
    domain: str  # empty for a code the current framework no longer has (not linked)


@dataclass(frozen=True)
class CourseDetail:
    course: Course
    cost: str
    region_label: str
    competencies: list[CompetencyCovered]
    cohorts: list[Session]
    open_days: list[Session]
    modules: list[Course]
    part_of: Course | None  # the longer course this module belongs to, when it is published


def course_detail(slug: str) -> CourseDetail | None:
    """A published course with what it covers mapped to the current framework, its upcoming
    cohorts and open days, and its modules sold on their own; None when there is none."""
    course = Course.objects.filter(published=True, slug=slug).select_related("provider", "part_of").first()
    if course is None:
        return None
    part_of = course.part_of if course.part_of is not None and course.part_of.published else None
    framework = {c.code: c for c in framework_competencies(framework_current()).select_related("domain")}
    codes = list(course.competencies.values_list("code", flat=True))
    now = timezone.now()
    # Cohorts not yet begun (one under way takes no more applications); open days not yet over.
    upcoming = list(
        course.sessions.filter(
            Q(kind=Session.Kind.COHORT, starts_at__gte=now) | Q(kind=Session.Kind.OPEN_DAY, ends_at__gte=now)
        ).order_by("starts_at")
    )
    return CourseDetail(
        course=course,
        cost=cost_text(course.cost_pence),
        region_label=Region(course.region).label if course.region else "Online, anywhere in the UK",
        competencies=[
            CompetencyCovered(
                code, framework[code].name, f"{framework[code].domain.code} {framework[code].domain.name}"
            )
            if code in framework
            else CompetencyCovered(code, "(not in the current framework)", "")
            for code in codes
        ],
        cohorts=[s for s in upcoming if s.kind == Session.Kind.COHORT],
        open_days=[s for s in upcoming if s.kind == Session.Kind.OPEN_DAY],
        modules=list(course.modules.filter(published=True).order_by("title")),
        part_of=part_of,
    )


FEED_MOST = 500


def feed_sessions(filters: CourseFilters) -> list[Session]:
    """Upcoming cohorts and open days of the published courses these filters find (not
    only their next cohort), by start: the iCalendar feed. At most `FEED_MOST`."""
    from_ = _start_of(filters.start or timezone.localdate())
    courses = _filtered(Course.objects.filter(published=True), filters)
    return list(
        Session.objects.filter(course__in=courses, starts_at__gte=from_)
        .select_related("course__provider")
        .order_by("starts_at", "pk")[:FEED_MOST]
    )


def course_to_enquire(slug: str) -> Course | None:
    return Course.objects.select_related("provider").filter(slug=slug, published=True).first()


def session_to_book(slug: str, session_id: int) -> Session | None:
    """A cohort or open day of a published course, not yet begun, for its booking page."""
    return (
        Session.objects.select_related("course__provider")
        .filter(pk=session_id, course__slug=slug, course__published=True, starts_at__gt=timezone.now())
        .first()
    )


def waiting_position(booking: Booking) -> int:
    """1 for the first in line on the waiting list; 0 when not waiting."""
    if not booking.is_waiting:
        return 0
    ahead = Booking.objects.filter(session_id=booking.session_id, status=Booking.Status.WAITING).filter(
        Q(created_at__lt=booking.created_at) | Q(created_at=booking.created_at, pk__lt=booking.pk)
    )
    return ahead.count() + 1


# The provider's own pages ---------------------------------------------------------------


@dataclass(frozen=True)
class SessionSummary:
    session: Session
    booked: int  # places
    offered: int  # places held for someone offered them
    waiting: int  # entries on the waiting list


@dataclass(frozen=True)
class ProviderCourse:
    course: Course
    sessions: list[SessionSummary]
    interest: int
    completions_to_confirm: int


def provider_courses(user: User) -> list[ProviderCourse]:
    """Every course of the providers `user` belongs to, with its cohorts and open days to
    come (and those of the last 90 days), their places and the interest registered."""
    since = timezone.now() - timedelta(days=90)
    sessions = (
        Session.objects.filter(ends_at__gte=since)
        .annotate(
            booked=Sum("bookings__places", filter=Q(bookings__status=Booking.Status.BOOKED), default=0),
            offered=Sum("bookings__places", filter=Q(bookings__status=Booking.Status.OFFERED), default=0),
            waiting=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITING)),
        )
        .order_by("starts_at")
    )
    courses = (
        Course.objects.filter(provider__members=user)
        .select_related("provider")
        .annotate(
            interest_count=Count("interests", distinct=True),
            completions_asked=Count(
                "completions", filter=Q(completions__status=Completion.Status.ASKED), distinct=True
            ),
        )
        .prefetch_related(Prefetch("sessions", queryset=sessions, to_attr="recent_sessions"))
        .order_by("provider__name", "title")
    )
    return [
        ProviderCourse(
            course=course,
            sessions=[SessionSummary(s, s.booked, s.offered, s.waiting) for s in course.recent_sessions],
            interest=course.interest_count,
            completions_to_confirm=course.completions_asked,
        )
        for course in courses
    ]


def provider_session(user: User, session_id: int) -> Session | None:
    """A cohort or open day of one of `user`'s providers; None for anyone else's."""
    return (
        Session.objects.select_related("course__provider").filter(pk=session_id, course__provider__members=user).first()
    )


def provider_course(user: User, slug: str) -> Course | None:
    return Course.objects.select_related("provider").filter(slug=slug, provider__members=user).first()


def session_people(session: Session) -> list[Booking]:
    """Everyone on a session: places first, then offers, the waiting list in its order, then
    those who left."""
    rank = {Booking.Status.BOOKED: 0, Booking.Status.OFFERED: 1, Booking.Status.WAITING: 2}
    people = list(session.bookings.order_by("created_at", "id"))
    return sorted(people, key=lambda b: rank.get(Booking.Status(b.status), 3))


def course_interest(course: Course) -> QuerySet[Interest]:
    return course.interests.order_by("-created_at", "-id")


def providers_of(user: User) -> list[Provider]:
    return list(Provider.objects.filter(members=user).order_by("name"))


def provider_of(user: User, slug: str) -> Provider | None:
    return Provider.objects.filter(slug=slug, members=user).first()


def provider_parent_courses(provider: Provider, *, but: Course | None) -> QuerySet[Course]:
    """The provider's courses another may be a module of: not modules themselves."""
    found = Course.objects.filter(provider=provider, part_of__isnull=True).order_by("title")
    return found.exclude(pk=but.pk) if but is not None else found


def course_form_initial(course: Course) -> dict[str, object]:
    return {
        **{name: getattr(course, name) for name in ("title", "summary", "study_level", "format", "duration", "hours")},
        **{name: getattr(course, name) for name in ("free_for", "eligibility", "region", "published")},
        "cost": Decimal(course.cost_pence) / 100,
        "competencies": list(course.competencies.values_list("code", flat=True)),
        "part_of": str(course.part_of_id) if course.part_of_id else "",
    }


def session_form_initial(session: Session | None) -> dict[str, object] | None:
    if session is None:
        return None
    starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    return {
        "kind": session.kind,
        "start_date": starts.date(),
        "start_time": starts.time(),
        "end_date": ends.date(),
        "end_time": ends.time(),
        "place": session.place,
        "online_url": session.online_url,
        "capacity": session.capacity,
        "deadline_date": timezone.localtime(session.booking_deadline).date(),
    }


def course_completions(course: Course) -> QuerySet[Completion]:
    """Completions recorded by practitioners, the ones still to confirm first."""
    return course.completions.select_related("practitioner").order_by("-status", "-created_at", "-id")


def course_completion(course: Course, raw_id: str) -> Completion | None:
    if not (raw_id.isascii() and raw_id.isdecimal()) or len(raw_id) > 18:
        return None
    return course.completions.select_related("course__provider").filter(pk=int(raw_id)).first()


def staff_course_list() -> QuerySet[Course]:
    return Course.objects.select_related("provider").order_by("provider__name", "title")


def staff_course(raw_id: str) -> Course | None:
    if not (raw_id.isascii() and raw_id.isdecimal()) or len(raw_id) > 18:
        return None
    return Course.objects.filter(pk=int(raw_id)).first()


def staff_providers() -> list[Provider]:
    return list(Provider.objects.prefetch_related("members").order_by("name"))
