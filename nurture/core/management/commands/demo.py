"""Fill the database with demo people and portfolios: `manage.py demo`.

Creates one login per role (all with the same published password, staff with
a fixed TOTP secret), then `--practitioners N` practitioners with realistic
UK names, professions, regions, employers and portfolios at every stage, from
a profile only to ready for endorsement. Practitioner number n comes from
`random.Random(f"{seed}:{n}")`, so the same `--seed` gives the same people and
a larger run extends a smaller one. Three evidence items (one the demo
practitioner's) hold an identifier the scan flags, so its warning can be shown.

Safe to run twice: people are found by email, and anyone who already exists is
left exactly as they are. Rows are written with `bulk_create` in batches of
2,000, one transaction per batch, and the password is hashed once. Above
10,000 practitioners portfolios are light (same stages, fewer rows), so
`--practitioners 100000` takes about two minutes on SQLite.

Nothing is emailed and nothing goes to the audit log: this is seed data, not
anyone's action. It refuses to run with DEBUG off unless told to, because the
logins' password is printed here and in the README.
"""

from __future__ import annotations

import random
import re
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Final

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from nurture.accounts.models import Profession, Region, User
from nurture.accounts.roles import Role
from nurture.framework.models import Education
from nurture.framework.selectors import framework_competencies, framework_current
from nurture.portfolios.models import (
    CPDEntry,
    EducationRecord,
    Evidence,
    ExperienceRecord,
    Owned,
    SupervisionEntry,
    TrainingRecord,
)
from nurture.portfolios.services import evidence_scan

PASSWORD: Final = "nurture-demo-2026"  # noqa: S105 - published on purpose: demo data only
DOMAIN: Final = "demo.nurture.test"
BATCH: Final = 2000
# Above this many practitioners, portfolios are light (fewer rows each, same stages and readiness).
LIGHT_ABOVE: Final = 10_000
STAFF_NOTE: Final = "staff pages need a code from an authenticator app set up with this secret"


# The fixed logins ------------------------------------------------------------------


@dataclass(frozen=True)
class Login:
    email: str
    full_name: str
    role: str
    profession: str = ""
    region: str = ""
    employer: str = ""
    totp_secret: str = ""
    admin: bool = False


LOGINS: Final = (
    Login(
        f"practitioner@{DOMAIN}",
        "Priya Natarajan",
        Role.PRACTITIONER,
        Profession.HEALTH_VISITOR,
        Region.YORKSHIRE,
        "Aire Valley Community Health NHS Trust",
    ),
    Login(
        f"assessor@{DOMAIN}",
        "Dr Helen Marsh",
        Role.ASSESSOR,
        Profession.PSYCHOTHERAPIST,
        Region.NORTH_WEST,
        "Mersey Parent–Infant Psychotherapy Service",
        totp_secret="NZ2XE5DVOJSSAZDFNVXSAYLTONSXG43P",  # noqa: S106 - printed on purpose
    ),
    Login(
        f"registrar@{DOMAIN}",
        "Siobhan Gallagher",
        Role.REGISTRAR,
        region=Region.LONDON,
        employer="The Infant Mental Health Association",
        totp_secret="NZ2XE5DVOJSSAZDFNVXSA4TFM5UXG5DS",  # noqa: S106 - printed on purpose
        admin=True,
    ),
    Login(
        f"coordinator@{DOMAIN}",
        "Kwame Mensah",
        Role.COORDINATOR,
        region=Region.LONDON,
        employer="Infant Mental Health Awareness Week",
        totp_secret="NZ2XE5DVOJSSAZDFNVXSAY3PN5ZGI2LO",  # noqa: S106 - printed on purpose
    ),
    Login(
        f"organiser@{DOMAIN}",
        "Rachel Lindqvist",
        Role.EVENT_ORGANISER,
        region=Region.SOUTH_WEST,
        employer="Severnside Family Hubs",
    ),
    Login(
        f"provider@{DOMAIN}",
        "Dr Mei Chen",
        Role.TRAINING_PROVIDER,
        region=Region.WEST_MIDLANDS,
        employer="Severnside University Centre for Infant Mental Health",
    ),
)


# Names, places and employers -------------------------------------------------------


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


WOMEN: Final = words(
    "Amelia Olivia Isla Sophie Emily Grace Hannah Charlotte Rebecca Laura Claire Sarah Rachel Emma "
    "Lucy Jessica Megan Chloe Katie Joanne Nicola Gemma Kirsty Fiona Ailsa Morag Eilidh Catriona "
    "Siobhán Niamh Aoife Ciara Orla Róisín Caitlin Bethan Cerys Ffion Carys Seren Rhian Priya Ananya "
    "Aisha Fatima Zainab Maryam Amina Nadia Sana Harpreet Simran Gurpreet Jaspreet Anjali Kavita Deepa "
    "Shreya Nisha Farah Yasmin Hafsa Ifeoma Chiamaka Ngozi Adaeze Funmilayo Abena Akosua Efua Wanjiru "
    "Amara Hodan Fadumo Keisha Shanice Tanisha Marcia Paulette Mei Xin Hui Linh Mai Agnieszka "
    "Katarzyna Magdalena Ewa Oana Ioana Elif Zeynep Ayşe Maria Ana Sofia Giulia Chiara Leila Shirin"
)
MEN: Final = words(
    "James Thomas Daniel Matthew Callum Ewan Rhys Dafydd Cian Conor Seán Mohammed Imran Tariq Arjun "
    "Rohan Sanjay Kwame Kofi Chinedu Tunde Emeka Jamal Andre Wei Minh Piotr Tomasz Mehmet Luca Omar "
    "Yusuf Ali Samuel David"
)
SURNAMES: Final = words(
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson "
    "Wright Walker White Edwards Hughes Green Hall Wood Harris Lewis Martin Jackson Clarke Turner Hill "
    "Scott Cooper Morris Ward Moore King Watson Baker Harrison Morgan Patel Khan Ahmed Hussain Ali "
    "Begum Shah Singh Kaur Sharma Gill Sandhu Chowdhury Rahman Islam Iqbal Akhtar Mistry Okafor "
    "Adeyemi Okonkwo Mensah Owusu Boateng Asante Osei Adebayo Nwosu Eze Abdi Mohamed Warsame Farah "
    "Campbell MacDonald Stewart Murray Fraser Robertson Mackenzie MacLeod Reid Ross O'Brien Murphy "
    "Kelly Byrne Walsh O'Neill Doyle McCarthy Gallagher Quinn Llewellyn Pritchard Price Rees Powell "
    "Chen Wong Li Liu Zhang Nguyen Tran Kowalski Nowak Wiśniewska Kaya Yılmaz Demir Rossi Ferreira "
    "Silva Costa Georgiou Papadopoulos Hosseini Haddad Mahmoud Fernandes Persaud Ramdin Joseph "
    "Francis Grant Bailey Lindo"
)

# Weights roughly follow where the UK's early-years workforce lives.
REGION_WEIGHTS: Final = {
    Region.LONDON: 16,
    Region.SOUTH_EAST: 14,
    Region.NORTH_WEST: 11,
    Region.WEST_MIDLANDS: 9,
    Region.YORKSHIRE: 9,
    Region.EAST: 9,
    Region.SOUTH_WEST: 9,
    Region.EAST_MIDLANDS: 8,
    Region.SCOTLAND: 8,
    Region.WALES: 5,
    Region.NORTH_EAST: 4,
    Region.NORTHERN_IRELAND: 3,
}
PLACES: Final = {
    Region.NORTH_EAST: ("Tyneside", "Wearside", "Teesside", "Durham Dales", "Northumberland Coast"),
    Region.NORTH_WEST: ("Mersey", "Lancashire Coast", "Pennine", "Cheshire Plains", "Cumbria Fells"),
    Region.YORKSHIRE: ("Calderdale", "Aire Valley", "Humber", "South Yorkshire", "Wolds"),
    Region.EAST_MIDLANDS: ("Trent Valley", "High Peak", "Soar Valley", "Lincolnshire Wolds", "Nene"),
    Region.WEST_MIDLANDS: ("Black Country", "Severn", "Arden", "Staffordshire Moorlands", "Wyre Forest"),
    Region.EAST: ("Fenland", "Anglia", "Colne Valley", "Broadland", "Chilterns North"),
    Region.LONDON: ("North Thames", "Lea Valley", "South London", "Thames Gateway", "West London"),
    Region.SOUTH_EAST: ("Weald", "Solent", "South Downs", "Thames Valley", "Medway"),
    Region.SOUTH_WEST: ("Severnside", "Dartmoor", "Mendip", "Kernow", "Wessex"),
    Region.WALES: ("Cwm Taf", "Gwent", "Dyfed", "Clwyd", "Tawe"),
    Region.SCOTLAND: ("Clyde", "Forth Valley", "Tayside", "Highland", "Lothian"),
    Region.NORTHERN_IRELAND: ("Belfast", "Lagan Valley", "Mourne", "Foyle", "Antrim Coast"),
}
PROFESSION_WEIGHTS: Final = {
    Profession.HEALTH_VISITOR: 22,
    Profession.EARLY_YEARS: 18,
    Profession.SOCIAL_WORKER: 12,
    Profession.FAMILY_SUPPORT: 12,
    Profession.MIDWIFE: 8,
    Profession.NURSE: 7,
    Profession.PSYCHOLOGIST: 6,
    Profession.TEACHER: 6,
    Profession.PSYCHOTHERAPIST: 5,
    Profession.OTHER: 4,
}

NHS: Final = "nhs"
COUNCIL: Final = "council"
CHARITY: Final = "charity"
NURSERY: Final = "nursery"
SCHOOL: Final = "school"
EMPLOYER_KINDS: Final = {
    Profession.HEALTH_VISITOR: (NHS,),
    Profession.MIDWIFE: (NHS,),
    Profession.NURSE: (NHS,),
    Profession.PSYCHOLOGIST: (NHS, NHS, CHARITY),
    Profession.PSYCHOTHERAPIST: (NHS, CHARITY),
    Profession.SOCIAL_WORKER: (COUNCIL, COUNCIL, CHARITY),
    Profession.FAMILY_SUPPORT: (COUNCIL, CHARITY, CHARITY),
    Profession.EARLY_YEARS: (NURSERY, NURSERY, COUNCIL),
    Profession.TEACHER: (SCHOOL,),
    Profession.OTHER: (CHARITY, COUNCIL, NHS),
}
CHARITIES: Final = (
    "{place} Parent–Infant Partnership",
    "First Steps Family Charity, {place}",
    "{place} Family Hubs Trust",
    "Little Voices Perinatal Charity",
    "Baby Bonds Community Project, {place}",
)
NURSERIES: Final = (
    "Little Acorns Day Nursery, {place}",
    "Sunflower Children's Centre, {place}",
    "Rainbow Tree Nursery Group",
    "{place} Early Years Partnership",
    "Busy Bees Community Nursery, {place}",
)
SCHOOLS: Final = (
    "{place} Maintained Nursery School",
    "St Aidan's Primary School and Nursery, {place}",
    "{place} Federation of Nursery Schools",
)


def employer_for(rng: random.Random, profession: str, region: str) -> str:
    place = rng.choice(PLACES[Region(region)])
    kind = rng.choice(EMPLOYER_KINDS[Profession(profession)])
    if kind == NHS:
        if region == Region.WALES:
            return f"{place} University Health Board"
        if region == Region.SCOTLAND:
            return f"NHS {place}"
        if region == Region.NORTHERN_IRELAND:
            return f"{place} Health and Social Care Trust"
        if profession in (Profession.PSYCHOLOGIST, Profession.PSYCHOTHERAPIST):
            return f"{place} Mental Health NHS Foundation Trust"
        if profession == Profession.MIDWIFE:
            return f"{place} Hospitals NHS Foundation Trust"
        return f"{place} Community Health NHS Trust"
    if kind == COUNCIL:
        if region == Region.NORTHERN_IRELAND:
            return f"{place} Health and Social Care Trust"
        return f"{place} Council Children's Services"
    pool = {CHARITY: CHARITIES, NURSERY: NURSERIES, SCHOOL: SCHOOLS}[kind]
    return rng.choice(pool).format(place=place)


def email_part(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z-]", "", ascii_name.lower())


# Portfolio content -------------------------------------------------------------------

UNIVERSITIES: Final = (
    "Northgate University",
    "University of the Pennines",
    "Severnside University",
    "Thames Metropolitan University",
    "University of the Weald",
    "Clyde Caledonian University",
    "Lagan University",
    "University of Tawe",
    "Wessex Metropolitan University",
    "Fenland University",
)

# Each profession has a few routes in: qualifications from oldest to newest.
EDUCATION_PATHS: Final[dict[str, tuple[tuple[tuple[str, str], ...], ...]]] = {
    Profession.HEALTH_VISITOR: (
        (
            (Education.DEGREE, "BSc (Hons) Nursing (Adult)"),
            (Education.DEGREE, "PGDip Specialist Community Public Health Nursing – Health Visiting"),
        ),
        (
            (Education.DEGREE, "BSc (Hons) Midwifery"),
            (Education.DEGREE, "BSc (Hons) Specialist Community Public Health Nursing – Health Visiting"),
        ),
        (
            (Education.DEGREE, "BSc (Hons) Children's Nursing"),
            (Education.MASTERS, "MSc Specialist Community Public Health Nursing"),
        ),
    ),
    Profession.MIDWIFE: (
        ((Education.DEGREE, "BSc (Hons) Midwifery"),),
        ((Education.DEGREE, "BSc (Hons) Midwifery"), (Education.MASTERS, "MSc Perinatal Mental Health")),
    ),
    Profession.NURSE: (
        ((Education.DEGREE, "BSc (Hons) Children's Nursing"),),
        (
            (Education.DEGREE, "BSc (Hons) Mental Health Nursing"),
            (Education.DEGREE, "Graduate Certificate in Neonatal Care"),
        ),
    ),
    Profession.SOCIAL_WORKER: (
        ((Education.DEGREE, "BA (Hons) Social Work"),),
        ((Education.DEGREE, "BA (Hons) Sociology"), (Education.MASTERS, "MA Social Work")),
    ),
    Profession.EARLY_YEARS: (
        ((Education.LEVEL3, "Level 3 Diploma for the Early Years Workforce"),),
        (
            (Education.LEVEL3, "Level 3 Diploma for the Early Years Workforce"),
            (Education.DEGREE, "BA (Hons) Early Childhood Studies"),
        ),
    ),
    Profession.TEACHER: (
        ((Education.DEGREE, "BEd (Hons) Early Years and Primary Education"),),
        ((Education.DEGREE, "BA (Hons) English"), (Education.DEGREE, "PGCE Early Years (3–7)")),
    ),
    Profession.PSYCHOLOGIST: (
        ((Education.DEGREE, "BSc (Hons) Psychology"), (Education.DOCTORATE, "Doctorate in Clinical Psychology")),
        ((Education.DEGREE, "BSc (Hons) Psychology"), (Education.MASTERS, "MSc Child Development")),
    ),
    Profession.PSYCHOTHERAPIST: (
        ((Education.DEGREE, "BA (Hons) Psychology"), (Education.MASTERS, "MA Child and Adolescent Psychotherapy")),
        ((Education.DEGREE, "BSc (Hons) Nursing"), (Education.MASTERS, "MSc Parent–Infant Psychotherapy")),
    ),
    Profession.FAMILY_SUPPORT: (
        ((Education.LEVEL3, "Level 3 Certificate in Working with Parents"),),
        ((Education.LEVEL3, "Level 3 Diploma in Children and Young People's Workforce"),),
        ((Education.DEGREE, "BA (Hons) Childhood and Family Studies"),),
    ),
    Profession.OTHER: (
        ((Education.DEGREE, "BSc (Hons) Speech and Language Therapy"),),
        ((Education.DEGREE, "BA (Hons) Childhood and Youth Studies"),),
    ),
}

# (title, provider, hours, relationship-based)
RELATIONAL_TRAINING: Final = (
    ("Introduction to Infant Mental Health (six-week course)", "First Relationships Institute", "12"),
    ("Understanding Your Baby: foundation training", "Parent–Infant Training Collective", "12"),
    ("Newborn behavioural observation", "Northgate University Centre for Infant Mental Health", "16"),
    ("Video interaction guidance: initial training", "Attuned Practice Training", "18"),
    ("Attachment and the 1,001 critical days", "First Relationships Institute", "6"),
    ("Understanding early trauma", "Parent–Infant Training Collective", "7"),
    ("Observing infants and relationships (postgraduate module)", "Severnside University", "30"),
    ("Supporting fathers and co-parents in the perinatal period", "Dads Matter Training", "6"),
    ("Perinatal mental health: working with the parent–infant relationship", "Attuned Practice Training", "14"),
    (
        "Reflective practice in work with babies and families",
        "Northgate University Centre for Infant Mental Health",
        "10",
    ),
)
OTHER_TRAINING: Final = (
    ("Safeguarding children and young people, level 3", "{employer}", "8"),
    ("Paediatric first aid", "Red Kite First Aid", "12"),
    ("Information governance refresher", "{employer}", "2"),
)

ROLES: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    Profession.HEALTH_VISITOR: (
        ("Health visitor", "community health visiting team"),
        ("Specialist health visitor, perinatal and infant mental health", "health visiting service"),
    ),
    Profession.MIDWIFE: (
        ("Community midwife", "community midwifery team"),
        ("Specialist perinatal midwife", "maternity unit"),
    ),
    Profession.NURSE: (("Children's nurse", "neonatal unit"), ("Family nurse", "family nurse partnership team")),
    Profession.SOCIAL_WORKER: (
        ("Social worker", "children in need team"),
        ("Senior social worker, pre-birth assessment", "children's social care"),
    ),
    Profession.EARLY_YEARS: (
        ("Nursery practitioner", "baby room at a day nursery"),
        ("Baby room leader", "day nursery"),
    ),
    Profession.TEACHER: (
        ("Nursery teacher", "maintained nursery school"),
        ("Early years lead", "primary school nursery"),
    ),
    Profession.PSYCHOLOGIST: (
        ("Clinical psychologist", "perinatal mental health service"),
        ("Assistant psychologist", "parent–infant relationship team"),
    ),
    Profession.PSYCHOTHERAPIST: (
        ("Parent–infant psychotherapist", "parent–infant relationship team"),
        ("Child psychotherapist", "child and family service"),
    ),
    Profession.FAMILY_SUPPORT: (
        ("Family support worker", "family hub"),
        ("Early help practitioner", "early help team"),
    ),
    Profession.OTHER: (
        ("Speech and language therapist", "early communication service"),
        ("Early help worker", "family hub"),
    ),
}

SUPERVISORS: Final = (
    ("Ruth Campbell", "ruth.campbell@reflective-practice.example"),
    ("Dr Anita Desai", "anita.desai@parent-infant-team.example"),
    ("Margaret O'Donnell", "m.odonnell@first-relationships.example"),
    ("Yetunde Bakare", "y.bakare@attuned-practice.example"),
    ("Gwen Pritchard", "gwen.pritchard@tawe-health.example"),
    ("Dr Fiona Laird", "fiona.laird@clyde-perinatal.example"),
    ("Sabina Rahman", "sabina.rahman@family-hubs.example"),
    ("Dr Tom Ashworth", "tom.ashworth@pennine-psychology.example"),
)
SUPERVISION_THEMES: Final = (
    "Holding the baby in mind during a busy visit; my urge to fix things quickly.",
    "Working with a parent's anger towards services, and my own reaction to it.",
    "Endings with a family who are moving away; what the baby may experience.",
    "A father who is hard to engage; noticing my assumptions about him.",
    "Sitting with uncertainty while a referral is considered.",
    "Feeling de-skilled with a family whose first language is not English.",
    "The pull to side with the parent or with the baby; keeping both in mind.",
    "My tiredness this month and how it showed up in my visits.",
)

CPD: Final = (
    (
        "Webinar: fathers and the perinatal period",
        "1.5",
        "Made me think again about who I address first when I arrive.",
    ),
    (
        "Regional infant mental health network meeting",
        "3",
        "Heard how a neighbouring team runs joint visits with midwives.",
    ),
    (
        "Reading group: the still-face research",
        "2",
        "A reminder of how quickly babies notice when a parent is not available.",
    ),
    (
        "Awareness Week conference: Understanding Early Trauma",
        "6",
        "Useful framing for talking about trauma without blame.",
    ),
    (
        "E-learning: perinatal mental health in diverse communities",
        "2.5",
        "I now ask more openly about what support the family trusts.",
    ),
    ("Peer observation of a baby massage group", "2", "Noticed how much the facilitator followed the babies' lead."),
    ("Journal club: parental reflective functioning", "1.5", "I want to try more 'I wonder…' questions in visits."),
    ("Workshop: safeguarding unborn babies", "3.5", "Clearer on when to share concerns before birth."),
)

# (who, they, their): ages in words, so the identifier scan finds nothing to flag.
YOUNG_BABIES: Final = (
    ("a newborn girl", "she", "her"),
    ("a ten-week-old boy", "he", "his"),
    ("a baby of around four months", "the baby", "the baby's"),
)
OLDER_BABIES: Final = (
    ("a seven-month-old girl", "she", "her"),
    ("a one-year-old boy", "he", "his"),
    ("an eighteen-month-old toddler", "the child", "the child's"),
)
BABIES: Final = YOUNG_BABIES + OLDER_BABIES
CARERS: Final = ("mother", "father", "grandmother", "foster carer")
PARENTS: Final = ("mother", "father")
CLOSINGS: Final = (
    "Next time I want to leave more room for the parent's own observations before offering mine.",
    "Talking this through in reflective supervision helped me separate my own worry from what the family needed.",
    "I have since shared this with my team and we now build a short observation into every first visit.",
    "I am still thinking about how my own experience of being parented shapes what I notice.",
    "Writing this down showed me how much happened in a few minutes that I would once have missed.",
)


@dataclass(frozen=True)
class EvidenceTemplate:
    title: str
    kind: str
    text: str
    competencies: tuple[str, ...]
    babies: tuple[tuple[str, str, str], ...] = BABIES
    carers: tuple[str, ...] = CARERS


# The first six together cover every competency of the prevention level.
EVIDENCE: Final = (
    EvidenceTemplate(
        "Observing a baby's cues during a home visit",
        Evidence.Kind.REFLECTIVE_ACCOUNT,
        "On a routine visit I met {baby} and the {carer}. While we talked I watched how {they} turned away "
        "and then back towards the {carer}'s face, and how {they} settled when the {carer} slowed down and "
        "named what {they} might be feeling. I shared what I had seen and wondered aloud what {they} might "
        "be telling us. Afterwards I noticed how much I had wanted to fill the silence with advice.",
        ("D1.1", "D1.4", "D4.1", "D6.1", "D6.2", "D8.1"),
    ),
    EvidenceTemplate(
        "Supporting a parent with low mood after the birth",
        Evidence.Kind.CASE_STUDY,
        "The {carer} of {baby} described feeling flat and disconnected in the weeks after the birth. I used a "
        "structured mood questionnaire alongside our conversation, and we agreed a plan together: more frequent "
        "visits, a referral to the perinatal mental health team, and short daily times of face-to-face play. "
        "I kept the baby's experience in mind throughout, and over the following weeks {their} interest in "
        "the {carer}'s voice grew.",
        ("D2.1", "D2.3", "D3.1", "D4.2", "D4.3", "D5.1"),
        babies=YOUNG_BABIES,
        carers=PARENTS,
    ),
    EvidenceTemplate(
        "Including a father in the new-birth visit",
        Evidence.Kind.REFLECTIVE_ACCOUNT,
        "At the first visit to {baby}, the father stayed in the kitchen. I realised I had addressed all my "
        "questions to the mother. At the next visit I asked him directly what he had noticed about the baby, and "
        "he described {their} cry in detail. We talked about how both parents and the wider family share care, "
        "and I left our usual leaflets on responsive care for both of them.",
        ("D3.3", "D3.4", "D7.1", "D6.4"),
        babies=YOUNG_BABIES[:2],
    ),
    EvidenceTemplate(
        "Working with a family new to the UK",
        Evidence.Kind.CASE_STUDY,
        "A family who had recently arrived in the UK were referred during pregnancy. With an interpreter we "
        "talked about what the pregnancy had been like, what care looks like in their culture, and who they "
        "could turn to. After the baby was born I worked with the local family hub and their GP so that the "
        "family had one consistent contact. I reflected on how services can feel to families who have had to "
        "leave so much behind.",
        ("D7.2", "D7.1", "D3.2", "D1.3", "D9.1"),
    ),
    EvidenceTemplate(
        "A safeguarding concern and what supervision helped me see",
        Evidence.Kind.REFLECTIVE_ACCOUNT,
        "I became concerned about bruising on {baby} and followed our safeguarding procedure the same day. "
        "In reflective supervision I talked about my fear of damaging the relationship with the {carer}. We "
        "thought about how the relationship could still be a source of safety for the baby, and how I could "
        "stay honest and warm with the family while the concern was looked into. I kept to my professional "
        "duties and recorded my reasoning.",
        ("D4.4", "D8.2", "D8.3", "D2.2", "D5.2"),
    ),
    EvidenceTemplate(
        "Noticing a developmental difference and referring on",
        Evidence.Kind.CASE_STUDY,
        "At a review I noticed that {baby} was not yet reaching for toys and made little eye contact. I talked "
        "with the {carer} about what {they} enjoyed and how {their} days were organised, and suggested small "
        "changes to routines and play space. With consent I referred to the community paediatric team and "
        "spoke to the nursery key worker, so that everyone around the family heard the same thing.",
        ("D1.2", "D4.3", "D9.1", "D6.3"),
        babies=OLDER_BABIES,
    ),
    EvidenceTemplate(
        "Certificate: Introduction to Infant Mental Health",
        Evidence.Kind.CERTIFICATE,
        "Certificate of completion for a six-week introductory course covering early brain development, "
        "attachment and the parent–infant relationship.",
        ("D1.3", "D2.1"),
    ),
    EvidenceTemplate(
        "Running a baby massage and bonding group",
        Evidence.Kind.REFLECTIVE_ACCOUNT,
        "I co-facilitated a weekly group for parents and babies. One week {baby} cried through most of the "
        "session and the {carer} looked embarrassed. Rather than moving on, we paused the group and talked "
        "about how babies tell us when they have had enough. Other parents joined in, and the {carer} stayed "
        "for tea afterwards for the first time.",
        ("D6.1", "D6.2", "D1.5", "D7.2"),
        babies=YOUNG_BABIES,
    ),
    EvidenceTemplate(
        "Planning an ending with a family",
        Evidence.Kind.CASE_STUDY,
        "After several months of visits to {baby} and the {carer}, we planned our ending together. We looked "
        "back at photographs the {carer} had taken, named what had changed, and agreed who the family could "
        "contact in future. I noticed my own sadness at saying goodbye and took it to supervision.",
        ("D5.5", "D5.1", "D8.1"),
        babies=OLDER_BABIES,
    ),
    EvidenceTemplate(
        "How the still-face research changed my practice",
        Evidence.Kind.REFLECTIVE_ACCOUNT,
        "After reading about the still-face research I paid more attention to moments when a parent's phone "
        "or worries took them away from the baby. With {baby} and the {carer} I talked about these moments "
        "without blame, and about how quickly {they} came back to the {carer} when invited.",
        ("D8.4", "D2.1", "D1.4"),
    ),
)
CORE_EVIDENCE: Final = EVIDENCE[:6]

# Written evidence that the identifier scan flags, so the warning can be seen.
FLAGGED: Final = (
    EvidenceTemplate(
        "Draft: first weeks with a baby born early",
        Evidence.Kind.CASE_STUDY,
        "When I first wrote this up I copied the baby's NHS number, 943 476 5919, from the referral so I could "
        "find the notes again. The baby was born five weeks early and the parents were frightened to hold "
        "them. We started with short times of skin-to-skin contact and watching the baby's cues together.",
        ("D1.1", "D3.1", "D6.1"),
    ),
    EvidenceTemplate(
        "Case study: a referral from the GP",
        Evidence.Kind.CASE_STUDY,
        "The baby (DOB 12/03/2025) was referred by the GP because the mother was struggling to feed and "
        "felt the baby did not like her. Over six visits we watched feeds together and I named the moments "
        "when the baby looked for her face.",
        ("D2.3", "D4.3", "D5.2"),
    ),
    EvidenceTemplate(
        "Reflective account: a missed visit",
        Evidence.Kind.REFLECTIVE_ACCOUNT,
        "When the family were not in, I rang the mother back on 07700 900461 the same afternoon. She told me "
        "she had not slept. I reflected on how easily a missed visit is recorded as disengagement.",
        ("D7.2", "D8.1"),
    ),
)


# Stages ------------------------------------------------------------------------------

PROFILE = "profile only"
LEARNING = "education and training"
PRACTISING = "experience and supervision"
EVIDENCING = "CPD and evidence"
READY = "ready for endorsement"
STAGES: Final = (PROFILE, LEARNING, PRACTISING, EVIDENCING, READY)
# One practitioner in ten is ready; the first five already show every stage.
STAGE_CYCLE: Final = (
    PROFILE,
    LEARNING,
    PRACTISING,
    EVIDENCING,
    READY,
    EVIDENCING,
    PRACTISING,
    LEARNING,
    EVIDENCING,
    PROFILE,
)
FLAGGED_GENERATED: Final = 2


def demo_random(seed: str) -> random.Random:
    """A generator for one person; a string seed is hashed the same way on every run."""
    return random.Random(seed)  # noqa: S311 - demo data, not secrets


def stage_of(number: int) -> str:
    return STAGE_CYCLE[(number - 1) % len(STAGE_CYCLE)]


def flagged_numbers() -> dict[int, EvidenceTemplate]:
    """The first few generated practitioners with evidence get one flagged item each."""
    numbers = [n for n in range(1, len(STAGE_CYCLE) + 1) if stage_of(n) == EVIDENCING][:FLAGGED_GENERATED]
    return dict(zip(numbers, FLAGGED[1:], strict=True))


@dataclass
class Person:
    user: User
    stage: str
    records: list[Owned] = field(default_factory=list)
    evidence: list[tuple[Evidence, tuple[str, ...]]] = field(default_factory=list)
    totp_secret: str = ""


class PortfolioBuilder:
    """Makes one person's unsaved portfolio rows from a random generator.

    A light portfolio reaches the same stage with fewer rows: one qualification,
    no second job, longer and rarer supervision sessions, one CPD entry and the
    least evidence that still shows the stage. Large runs use it to stay fast.
    """

    def __init__(self, rng: random.Random, *, today: date, now: datetime, light: bool = False) -> None:
        self.rng = rng
        self.today = today
        self.now = now
        self.light = light

    def days_ago(self, low: int, high: int) -> date:
        return self.today - timedelta(days=self.rng.randint(low, high))

    def build(self, person: Person, *, flagged: EvidenceTemplate | None = None) -> None:
        stage = person.stage
        if stage == PROFILE:
            return
        self.education(person)
        self.training(person)
        if stage == LEARNING:
            return
        self.experience(person)
        self.supervision(person)
        if stage == PRACTISING:
            return
        self.cpd(person)
        self.evidence(person)
        if flagged is not None:
            self.add_evidence(person, flagged, scan=True)

    def education(self, person: Person) -> None:
        path = self.rng.choice(EDUCATION_PATHS[person.user.profession or Profession.OTHER])
        awarded = self.days_ago(365, 9 * 365)
        for level, qualification in reversed(path[-1:] if self.light else path):
            institution = (
                f"{self.rng.choice(PLACES[Region(person.user.region)])} College"
                if level == Education.LEVEL3
                else self.rng.choice(UNIVERSITIES)
            )
            person.records.append(
                EducationRecord(level=level, qualification=qualification, institution=institution, awarded_on=awarded)
            )
            awarded -= timedelta(days=self.rng.randint(2 * 365, 5 * 365))

    def training(self, person: Person) -> None:
        courses = self.rng.sample(RELATIONAL_TRAINING, len(RELATIONAL_TRAINING))
        # Relationship-based hours to reach; the level needs 30.
        wanted = {LEARNING: (6, 12, 18), PRACTISING: (12, 18, 24, 30), EVIDENCING: (18, 24, 30, 36)}
        wanted_hours = Decimal(30 if person.stage == READY else self.rng.choice(wanted[person.stage]))
        total = Decimal(0)
        for title, provider, hours in courses:
            if total >= wanted_hours:
                break
            total += Decimal(hours)
            person.records.append(
                TrainingRecord(
                    title=title, provider=provider, hours=Decimal(hours), completed_on=self.days_ago(30, 4 * 365)
                )
            )
        if not self.light and self.rng.random() < 0.5:
            title, provider, hours = self.rng.choice(OTHER_TRAINING)
            person.records.append(
                TrainingRecord(
                    title=title,
                    provider=provider.format(employer=person.user.employer),
                    hours=Decimal(hours),
                    completed_on=self.days_ago(30, 2 * 365),
                    relationship_based=False,
                )
            )

    def experience(self, person: Person) -> None:
        ready = person.stage == READY
        roles = ROLES[person.user.profession or Profession.OTHER]
        title, setting = roles[-1] if ready else self.rng.choice(roles)
        # The level needs 24 months of paid work; some in the evidence stage are nearly there.
        months_back = {PRACTISING: (4, 36), EVIDENCING: (12, 60), READY: (26, 72)}[person.stage]
        started = self.days_ago(months_back[0] * 31, months_back[1] * 30)
        months = (self.today - started).days // 30
        families = self.rng.randint(12, 20) + months // 2 if ready else self.rng.randint(2, 4) + months // 3
        person.records.append(
            ExperienceRecord(
                role_title=title,
                employer=person.user.employer,
                setting=setting,
                started_on=started,
                paid=True,
                families_served=families,
            )
        )
        if not self.light and self.rng.random() < 0.4:
            before = started - timedelta(days=self.rng.randint(30, 120))
            person.records.append(
                ExperienceRecord(
                    role_title=roles[0][0],
                    employer=employer_for(self.rng, person.user.profession, person.user.region),
                    setting=roles[0][1],
                    started_on=before - timedelta(days=self.rng.randint(365, 3 * 365)),
                    ended_on=before,
                    paid=True,
                    families_served=self.rng.randint(5, 40),
                )
            )

    def supervision(self, person: Person) -> None:
        ready = person.stage == READY
        main, other = self.rng.sample(SUPERVISORS, 2)
        if self.light:
            # Three-hour sessions every seven weeks with one supervisor; ready means 27 confirmed hours.
            sessions, every, groups = (10 if ready else 2 if person.stage == PRACTISING else 3), 49, False
        else:
            # Monthly sessions, every fourth a group; ready means well over 24 confirmed hours.
            top = 9 if person.stage == PRACTISING else 14
            sessions, every, groups = (self.rng.randint(16, 20) if ready else self.rng.randint(2, top)), 30, True
        for i in range(sessions):
            on = self.today - timedelta(days=12 + every * i + self.rng.randint(0, 6))
            group = groups and i % 4 == 3
            peer = not group and not ready and not self.light and self.rng.random() < 0.1
            name, email = self.rng.choice(SUPERVISORS) if peer else other if group else main
            if group:
                kind, hours = SupervisionEntry.Kind.GROUP, Decimal("1.5")
            else:
                kind = SupervisionEntry.Kind.PEER if peer else SupervisionEntry.Kind.INDIVIDUAL
                hours = Decimal("3" if self.light else "2" if ready else self.rng.choice(("1.5", "2")))
            entry = SupervisionEntry(
                session_on=on,
                supervisor_name=name,
                supervisor_email=email,
                hours=hours,
                kind=kind,
                notes=self.rng.choice(SUPERVISION_THEMES),
            )
            # The latest sessions still await the supervisor; older ones are mostly confirmed.
            confirmed = (i >= 2 or (i == 1 and self.rng.random() < 0.5)) if ready else self.rng.random() < 0.6
            if confirmed:
                entry.status = SupervisionEntry.Status.CONFIRMED
                at = datetime.combine(on + timedelta(days=self.rng.randint(1, 9)), datetime.min.time()).replace(
                    hour=self.rng.randint(8, 18), tzinfo=self.now.tzinfo
                )
                entry.confirmed_at = min(at, self.now)
            person.records.append(entry)

    def cpd(self, person: Person) -> None:
        for activity, hours, reflection in self.rng.sample(CPD, 1 if self.light else self.rng.randint(2, 5)):
            person.records.append(
                CPDEntry(activity=activity, hours=Decimal(hours), reflection=reflection, done_on=self.days_ago(7, 360))
            )

    def evidence(self, person: Person) -> None:
        extras = [t for t in EVIDENCE if t not in CORE_EVIDENCE]
        if person.stage == READY:
            chosen = [*CORE_EVIDENCE, *self.rng.sample(extras, 0 if self.light else self.rng.randint(0, 2))]
        else:
            chosen = self.rng.sample(EVIDENCE, 1 if self.light else self.rng.randint(1, 5))
        for template in chosen:
            self.add_evidence(person, template)

    def add_evidence(self, person: Person, template: EvidenceTemplate, *, scan: bool = False) -> None:
        baby, they, their = self.rng.choice(template.babies)
        text = template.text.format(baby=baby, they=they, their=their, carer=self.rng.choice(template.carers))
        if template.kind != Evidence.Kind.CERTIFICATE and not scan:
            text = f"{text} {self.rng.choice(CLOSINGS)}"
        item = Evidence(title=template.title, kind=template.kind, text=text)
        if scan:
            evidence_scan(evidence=item)
        person.evidence.append((item, template.competencies))


# Writing -----------------------------------------------------------------------------


@dataclass
class Tally:
    created: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)
    stages: Counter[str] = field(default_factory=Counter)
    rows: Counter[str] = field(default_factory=Counter)
    flagged: int = 0


def people_save(people: Sequence[Person], *, competency_ids: dict[str, int], tally: Tally) -> None:
    """Write a batch of new people and their portfolios in one transaction."""
    through = Evidence.competencies.through
    with transaction.atomic():
        User.objects.bulk_create([p.user for p in people], batch_size=BATCH)
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=p.user, email=p.user.email, verified=True, primary=True) for p in people],
            batch_size=BATCH,
        )
        by_model: dict[type[Owned], list[Owned]] = defaultdict(list)
        evidence: list[Evidence] = []
        for person in people:
            for record in person.records:
                record.owner = person.user
                by_model[type(record)].append(record)
            for item, _codes in person.evidence:
                item.owner = person.user
                evidence.append(item)
        for model, rows in by_model.items():
            model._default_manager.bulk_create(rows, batch_size=BATCH)
            tally.rows[str(model._meta.verbose_name_plural)] += len(rows)
        Evidence.objects.bulk_create(evidence, batch_size=BATCH)
        tally.rows["evidence"] += len(evidence)
        links = [
            through(evidence_id=item.pk, competency_id=competency_ids[code])
            for person in people
            for item, codes in person.evidence
            for code in codes
            if code in competency_ids
        ]
        through._default_manager.bulk_create(links, batch_size=BATCH)
        tally.rows["evidence–competency links"] += len(links)
        for person in people:
            if person.totp_secret:
                TOTP.activate(person.user, person.totp_secret)
        tally.flagged += sum(1 for p in people for item, _ in p.evidence if item.findings)


def batches(items: Iterator[Person], size: int) -> Iterator[list[Person]]:
    batch: list[Person] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class Command(BaseCommand):
    help = "Create demo logins for every role and practitioners with portfolios at every stage. Safe to run twice."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--practitioners", type=int, default=40, help="How many more practitioners (default 40).")
        parser.add_argument("--seed", type=int, default=2026, help="Seed for the random generator (default 2026).")
        parser.add_argument(
            "--portfolios",
            choices=("full", "light"),
            help=f"How much each portfolio holds (default: full, light above {LIGHT_ABOVE:,} practitioners).",
        )
        parser.add_argument(
            "--register-entries",
            type=int,
            default=0,
            help="How many standalone Register entries to add, for benchmarks (default 0).",
        )
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Run even when DJANGO_DEBUG is false. The demo logins share a published password.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count: int = options["practitioners"]
        seed: int = options["seed"]
        if count < 0:
            raise CommandError("--practitioners must be zero or more.")
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError(
                "The demo creates logins with a published password, including an administrator. "
                "Run it on a development or demo database (DJANGO_DEBUG=true), or pass --allow-without-debug."
            )
        try:
            version = framework_current()
        except Http404:
            raise CommandError("No current competency framework. Run `manage.py migrate` first.") from None
        competency_ids = dict(framework_competencies(version).values_list("code", "id"))

        light = (options["portfolios"] or ("light" if count > LIGHT_ABOVE else "full")) == "light"
        started = time.monotonic()
        self.verbosity: int = options["verbosity"]
        self.password = make_password(PASSWORD)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.tally = Tally()
        existing = set(User.objects.filter(email__endswith=f"@{DOMAIN}").values_list("email", flat=True))

        logins = [self.login_person(login, seed) for login in LOGINS if login.email not in existing]
        self.tally.created["demo logins"] = len(logins)
        self.tally.found["demo logins"] = len(LOGINS) - len(logins)
        if logins:
            people_save(logins, competency_ids=competency_ids, tally=self.tally)
        self.staff_two_factor_ensure()

        done = 0
        for batch in batches(self.practitioners(count, seed, existing, light=light), BATCH):
            people_save(batch, competency_ids=competency_ids, tally=self.tally)
            done += len(batch)
            if self.verbosity >= 2:
                self.stdout.write(f"  … {done:,} practitioners written")
        self.later_domains(register_entries=options["register_entries"])
        self.report(seed, time.monotonic() - started, light=light)

    def later_domains(self, *, register_entries: int) -> None:
        """The Register and applications build on the people made above."""
        from nurture.campaigns.demo import demo_campaigns
        from nurture.campaigns.events.demo import demo_events
        from nurture.endorsements.demo import demo_applications
        from nurture.register.demo import demo_register

        if register_entries < 0:
            raise CommandError("--register-entries must be zero or more.")
        demo_register(entries=register_entries, stdout=self.stdout)
        demo_applications(stdout=self.stdout)
        demo_campaigns(stdout=self.stdout)
        demo_events(stdout=self.stdout)

    def new_user(self, **fields: Any) -> User:
        return User(password=self.password, **fields)

    def login_person(self, login: Login, seed: int) -> Person:
        user = self.new_user(
            email=login.email,
            full_name=login.full_name,
            role=login.role,
            profession=login.profession,
            region=login.region,
            employer=login.employer,
            is_staff=login.admin,
            is_superuser=login.admin,
            date_joined=self.now - timedelta(days=400),
        )
        person = Person(user, READY if login.role == Role.PRACTITIONER else PROFILE, totp_secret=login.totp_secret)
        if login.role == Role.PRACTITIONER:
            builder = PortfolioBuilder(demo_random(f"{seed}:{login.email}"), today=self.today, now=self.now)
            builder.build(person, flagged=FLAGGED[0])
        return person

    def staff_two_factor_ensure(self) -> None:
        """A staff login found without two-factor gets its demo secret (first run after a partial one)."""
        for login in LOGINS:
            if not login.totp_secret:
                continue
            user = User.objects.filter(email=login.email).first()
            if user is not None and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                TOTP.activate(user, login.totp_secret)

    def practitioners(self, count: int, seed: int, existing: set[str], *, light: bool) -> Iterator[Person]:
        """Practitioner `n` depends only on the seed and `n`, so a larger run extends a smaller one."""
        flagged = flagged_numbers()
        regions = list(REGION_WEIGHTS)
        region_weights = list(REGION_WEIGHTS.values())
        professions = list(PROFESSION_WEIGHTS)
        profession_weights = list(PROFESSION_WEIGHTS.values())
        for n in range(1, count + 1):
            rng = demo_random(f"{seed}:{n}")
            first = rng.choice(WOMEN) if rng.random() < 0.85 else rng.choice(MEN)
            last = rng.choice(SURNAMES)
            if rng.random() < 0.06:
                last = f"{rng.choice(SURNAMES)}-{last}"
            email = f"{email_part(first)}.{email_part(last)}.{n}@{DOMAIN}"
            stage = stage_of(n)
            if email in existing:
                self.tally.found["practitioners"] += 1
                continue
            region = rng.choices(regions, region_weights)[0]
            profession = rng.choices(professions, profession_weights)[0]
            joined = {PROFILE: 60, LEARNING: 200, PRACTISING: 500, EVIDENCING: 700, READY: 900}[stage]
            user = self.new_user(
                email=email,
                full_name=f"{first} {last}",
                role=Role.PRACTITIONER,
                profession=profession,
                region=region,
                employer=employer_for(rng, profession, region),
                date_joined=self.now - timedelta(days=rng.randint(joined // 3, joined), minutes=rng.randint(0, 1440)),
            )
            person = Person(user, stage)
            PortfolioBuilder(rng, today=self.today, now=self.now, light=light).build(person, flagged=flagged.get(n))
            self.tally.created["practitioners"] += 1
            self.tally.stages[stage] += 1
            yield person

    def report(self, seed: int, seconds: float, *, light: bool) -> None:
        if self.verbosity < 1:
            return
        t = self.tally
        out = self.stdout.write
        out(self.style.SUCCESS(f"Demo data ready (seed {seed}, {seconds:.1f}s)"))
        for what in ("demo logins", "practitioners"):
            out(f"  {what}: {t.created[what]:,} created, {t.found[what]:,} already there")
        if t.stages:
            out(f"  portfolios: {'light' if light else 'full'}")
            out("  new practitioners by stage: " + ", ".join(f"{t.stages[s]:,} {s}" for s in STAGES if t.stages[s]))
        if t.rows:
            out("  portfolio rows created: " + ", ".join(f"{n:,} {name}" for name, n in t.rows.items()))
        if t.flagged:
            out(f"  evidence the identifier scan flags (to show the warning): {t.flagged}")
        out("")
        out(self.style.MIGRATE_HEADING(f"Demo logins (password: {PASSWORD})"))
        width = max(len(login.email) for login in LOGINS)
        for login in LOGINS:
            line = f"  {Role(login.role).label:<22} {login.email:<{width}}"
            if login.totp_secret:
                line += f"  TOTP secret {login.totp_secret}"
            out(line.rstrip())
        out(f"  Staff (assessor, registrar, coordinator): {STAFF_NOTE}.")
